"""The ``arsearch`` command: thin click wrappers over the public API."""

from __future__ import annotations

import sys

import click
import orjson

from . import __version__
from .analysis import PROFILES, Token, analyze


def _token_record(token: Token) -> dict[str, object]:
    return {
        "surface": token.surface,
        "normalized": token.normalized,
        "stem": token.stem,
        "stopword": token.stem is None,
        "start": token.start,
        "end": token.end,
        "position": token.position,
    }


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="arsearch")
def main() -> None:
    """Full-text search for Arabic: analyze, index and search articles."""


@main.command("analyze")
@click.argument("text")
@click.option(
    "--profile", type=click.Choice(PROFILES), default="light", show_default=True, help="Analysis profile to apply."
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array of tokens instead of a table.")
def analyze_command(text: str, profile: str, as_json: bool) -> None:
    """Show how TEXT is analyzed: surface, normalized form, stem, offsets.

    TEXT "-" reads the text from standard input. Stop words are listed with
    the stem "(stop)": they are not indexed by the light and root profiles.
    """
    if text == "-":
        text = sys.stdin.read()
    tokens = analyze(text, profile, keep_stopwords=True)  # type: ignore[arg-type]
    if as_json:
        click.echo(orjson.dumps([_token_record(t) for t in tokens]).decode())
        return
    if not tokens:
        click.echo("(no tokens)")
        return
    rows = [("surface", "normalized", "stem", "start", "end")]
    rows += [(t.surface, t.normalized, t.stem or "(stop)", str(t.start), str(t.end)) for t in tokens]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
