"""Write src/arsearch/analysis/data/keyboard.tsv: what each key types on the US English layout and
on the Arabic (101) layout, from the X keyboard configuration database (xkeyboard-config, MIT
licence), which Debian ships as xkb-data: the layouts a reader's keyboard actually has, not a
list of ours.

    apt-get install xkb-data x11proto-core-dev   # the layouts, and the keysym names' characters
    python scripts/build_keyboard_table.py

Each row: the key's name, then the character it types unshifted and shifted on the English layout,
then on the Arabic one. The Arabic lam-alef keys type one presentation form (ﻻ ﻷ ﻹ ﻵ); the table
holds what it stands for (لا لأ لإ لآ, by NFKC), as a text holds it.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import unicodedata
from pathlib import Path

SYMBOLS = Path("/usr/share/X11/xkb/symbols")
KEYSYMS = Path("/usr/include/X11/keysymdef.h")
OUT = Path(__file__).resolve().parents[1] / "src" / "arsearch" / "analysis" / "data" / "keyboard.tsv"
#: the keys that type letters, digits and punctuation (the main block), in the layouts' order
_KEY = re.compile(r"key\s+<(\w+)>\s*\{\s*\[([^\]]*)\]")
_KEYSYM = re.compile(r"#define XK_(\w+)\s+0x[0-9a-f]+\s*/\*\s*U\+([0-9A-F]{4,6})")


def keysym_characters() -> dict[str, str]:
    """Each keysym name with the character it types (keysymdef.h's own comments)."""
    return {name: chr(int(code, 16)) for name, code in _KEYSYM.findall(KEYSYMS.read_text(encoding="latin-1"))}


def layout(file: str, variant: str, names: dict[str, str]) -> dict[str, tuple[str, str]]:
    """The unshifted and shifted character of each key of an xkb symbols section (no includes)."""
    text = (SYMBOLS / file).read_text(encoding="utf-8")
    start = text.index(f'xkb_symbols "{variant}"')
    body = text[start : text.index("\n};", start)]
    keys = {}
    for key, levels in _KEY.findall(body):
        characters = [_character(symbol.strip(), names) for symbol in levels.split(",")[:2]]
        if len(characters) == 2 and all(characters):
            keys[key] = (characters[0], characters[1])
    return keys


def _character(symbol: str, names: dict[str, str]) -> str:
    if len(symbol) == 1:
        return symbol
    if re.fullmatch(r"U0?[0-9A-Fa-f]{4,5}", symbol):
        return chr(int(symbol[1:], 16))
    return names.get(symbol, "")


def _as_text(character: str) -> str:
    """A lam-alef presentation form as the two letters it stands for (ﻻ: لا); any other character as it is."""
    return unicodedata.normalize("NFKC", character) if "\ufe70" <= character <= "\ufeff" else character


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT)
    arguments = parser.parse_args()
    names = keysym_characters()
    english, arabic = layout("us", "basic", names), layout("ara", "basic", names)
    version = subprocess.run(
        ["dpkg-query", "-W", "-f=${Version}", "xkb-data"], capture_output=True, text=True, check=False
    ).stdout.strip()
    lines = [
        f"# key\tenglish\tenglish shifted\tarabic\tarabic shifted; xkeyboard-config {version or '?'} "
        "(symbols/us basic, symbols/ara basic), MIT licence; by scripts/build_keyboard_table.py"
    ]
    for key, (latin, latin_shifted) in english.items():
        if key in arabic:
            typed = (_as_text(character) for character in arabic[key])
            lines.append("\t".join((key, latin, latin_shifted, *typed)))
    arguments.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{arguments.out}: {len(lines) - 1} keys")


if __name__ == "__main__":
    main()
