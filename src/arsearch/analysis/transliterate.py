"""Latin-script names as Arabic writes them: the spelling keys (``spelling.spelling_key``) the Arabic
spellings of a Latin word may have, and how close an Arabic word sounds to it.

The letters come from anyascii's romanization of the Arabic alphabet (with the Persian letters
Arabic writes foreign sounds with: پ p, چ ch, ژ zh, ڤ v, گ g), read backwards: ``b`` is ب, ``kh``
is خ, ``s`` is س or ص, ``h`` is ه or ح. What English spelling has and no Arabic letter romanizes
to is added: ``c`` reads k or s, ``x`` reads ks, and the vowels, which Arabic writes as long vowels
(which a spelling key leaves out inside a word), as ع (which romanizations mostly drop), or not at
all. A spelling key erases the differences between the ways a name is spelled in Arabic; so a
Latin word has a handful of keys, and the index's words of those keys are its Arabic spellings
(``search.rewrite`` picks the ones that sound closest, ``sounds_apart``).

مثال::

    >>> "لفربل" in latin_spelling_keys("Liverpool"), "اردجن" in latin_spelling_keys("Erdogan")
    (True, True)
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import product

from anyascii import anyascii
from arabizi.mapping import DIGIT_DIGRAPHS, DIGIT_MAP

from .normalize import normalize_word
from .spelling import MIN_LETTERS, SPELLING_LETTERS, spelling_key

#: The Arabic letters read backwards (ء to ي without the archaic ػ-ؿ), and the Persian letters Arabic
#: writes foreign sounds with.
_LETTERS = [
    chr(code) for code in (*range(0x0621, 0x063B), *range(0x0641, 0x064B), 0x067E, 0x0686, 0x0698, 0x06A4, 0x06AF)
]
#: English spellings no Arabic letter romanizes to, as the letters they read: c is k or s, x is ks,
#: ch is sh (Arabic writes it تش or ش) or k, s is also z (رويترز for Reuters), dh also d (ض, as in
#: Riyadh), ng also n (واشنطن for Washington).
_ENGLISH_ONLY = {
    "c": ("k", "s"),
    "x": ("ks",),
    "ch": ("sh", "k"),
    "s": ("s", "z"),
    "dh": ("dh", "d"),
    "ng": ("n", "ng"),
}
VOWELS = frozenset("aeiouy")
#: Most Arabic spellings tried for one Latin word (its keys are far fewer).
MAX_SPELLINGS = 512
_LATIN_WORD = re.compile(r"[a-z0-9']*[a-z][a-z0-9']*")
#: Chat Arabic's digits for the letters Latin has none for (3 ع, 7 ح, 5 خ, 2 ء, 6 ط, 8 غ, 9 ق; 3' غ),
#: as the arabizi package (Apache-2.0) maps them, normalized; the pairs first.
_DIGITS = {digits: normalize_word(letter) for digits, letter in (*DIGIT_DIGRAPHS.items(), *DIGIT_MAP.items())}
#: The letters a hamza is written on or as (those anyascii romanizes with an apostrophe: ء أ إ ؤ ئ),
#: normalized: what chat Arabic's 2 may stand for.
_HAMZA = tuple(dict.fromkeys(normalize_word(chr(code)) for code in range(0x0621, 0x0627) if "'" in anyascii(chr(code))))
_ARABIC_LETTER = re.compile(r"[\u0621-\u064a]")


@lru_cache(maxsize=2)
def _arabic_letters(folded: bool) -> dict[str, tuple[str, ...]]:
    """Each Latin letter or pair anyascii romanizes an Arabic consonant as, with those consonants,
    normalized (أ and ة folded); a Persian letter as the Arabic letters of its spelling group (گ: ج غ
    ق ك). ``folded``: as a spelling key makes them (ج for all four). Letters romanized as a vowel or
    as nothing (ا ى ع ء) carry vowels."""
    arabic = [chr(code) for code in range(0x0621, 0x064B)]
    group = {letter: letter.translate(SPELLING_LETTERS) for letter in arabic}
    found: dict[str, set[str]] = {}
    for letter in _LETTERS:
        latin = anyascii(letter).lower()
        if not latin.isalpha() or latin in ("a", "i", "u"):
            continue
        own = normalize_word(letter)
        key = letter.translate(SPELLING_LETTERS)
        members = {own} if _ARABIC_LETTER.fullmatch(own) else {member for member in arabic if group[member] == key}
        found.setdefault(latin, set()).update(group[member] if folded else member for member in members)
    return {latin: tuple(sorted(letters)) for latin, letters in found.items() if letters}


def _units(word: str) -> list[str]:
    """``word`` cut into letters and letter pairs that stand for one Arabic letter, and vowel runs."""
    letters = _arabic_letters(True)
    units: list[str] = []
    at = 0
    while at < len(word):
        pair = word[at : at + 2]
        if pair in _DIGITS or word[at] in _DIGITS:  # chat Arabic: 3'arab, 3arab
            units.append(pair if pair in _DIGITS else word[at])
            at += len(units[-1])
        elif len(pair) == 2 and (pair in _ENGLISH_ONLY or pair in letters):
            units.append(pair)
            at += 2
        elif word[at] in VOWELS and not (word[at] == "y" and (at == 0 or word[at - 1] in VOWELS)):
            end = at
            while (end < len(word) and word[end] in "aeiou") or (end > at and end < len(word) and word[end] == "y"):
                end += 1
            units.append(word[at:end] or word[at])
            at = max(end, at + 1)
        else:
            units.append(word[at])
            at += 1
    return units


def _choices(unit: str, first: bool, last: bool, folded: bool = True) -> tuple[str, ...]:
    """The Arabic letters (normalized; ``folded`` as a spelling key makes them) one consonant unit,
    or one vowel run as a key reads it, may be written with."""
    if unit[0] in "aeiou":
        # a long vowel, which a key leaves out inside a word and drops at its end (but it counts
        # for the word's length), or ع; a first one is an alef (أ) or ع; a last one also ي or و
        if last and not first:
            return ("ا", "ي", "و", "اء")
        if first:
            return ("ا", "ع")
        return ("ا", "يا") if len(unit) > 1 else ("ا",)
    letters = _arabic_letters(folded)
    if unit in _DIGITS:
        letters_for = _HAMZA if _DIGITS[unit] in _HAMZA else (_DIGITS[unit],)
        return tuple(dict.fromkeys(letter.translate(SPELLING_LETTERS) if folded else letter for letter in letters_for))
    if unit in _ENGLISH_ONLY:
        read = [_read(part, letters) for part in _ENGLISH_ONLY[unit]]
        return tuple(dict.fromkeys(letter for options in read for letter in options))
    return letters.get(unit, ())


def _read(latin: str, letters: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    """The Arabic spellings of a Latin letter, pair, or letters read one by one (ks: كس)."""
    if latin in letters:
        return letters[latin]
    return tuple("".join(spelled) for spelled in product(*(letters.get(c, ("",)) for c in latin)))


def arabic_spellings(word: str) -> list[str]:
    """Arabic spellings a Latin word may have, normalized, as far as its keys go (inner long vowels
    are left out: a key leaves them out). Empty for a word of other letters.

    مثال::

        >>> "ترامب" in arabic_spellings("Trump")
        True
    """
    latin = word.lower()
    if not _LATIN_WORD.fullmatch(latin):
        return []
    units = _units(latin)
    return _spelled([_choices(unit, at == 0, at == len(units) - 1) for at, unit in enumerate(units)])


def latin_spelling_keys(word: str) -> list[str]:
    """The spelling keys the Arabic spellings of a Latin word may have (none for a word under
    ``MIN_LETTERS`` letters: too many Arabic words share a short key)."""
    if len(word) < MIN_LETTERS:
        return []
    return sorted({key for spelling in arabic_spellings(word) if (key := spelling_key(spelling)) is not None})


def romanized(form: str) -> str:
    """An Arabic word as English letters would spell its sounds, to compare with a Latin word: its
    letters' romanization (anyascii), long vowels and a final ه (a folded ة) as vowels, and ع and
    hamza as nothing.

    مثال::

        >>> romanized("ليفربول"), romanized("أردوغان"), romanized("جده")
        ('lifrbul', 'ardughan', 'jda')
    """
    vowels = {"ا": "a", "آ": "a", "أ": "a", "إ": "i", "ى": "a", "ة": "a", "و": "u", "ي": "i"}
    spelled = "".join(vowels.get(letter) or re.sub("[^a-z]", "", anyascii(letter).lower()) for letter in form)
    return spelled[:-1] + "a" if form.endswith("ه") and len(form) > 2 else spelled


#: Letters and pairs English spelling and romanization write one Arabic sound with, as one letter:
#: the sounds of the spelling key's letter groups (ج غ ق ك, ت ط, س ص, ز ذ) and English's own; vowels
#: as one of three (A, I, U), w and y among them (Arabic writes them as its long vowels و and ي).
_SAME_SOUND = (
    ("tsh", "s"),
    ("ph", "f"),
    ("ch", "s"),
    ("sh", "s"),
    ("gh", "k"),
    ("kh", "k"),
    ("th", "t"),
    ("dh", "d"),
    ("c", "k"),
    ("x", "ks"),
    ("g", "k"),
    ("q", "k"),
    ("j", "k"),
    ("z", "s"),
    ("p", "b"),
    ("v", "f"),
    ("a", "A"),
    ("e", "I"),
    ("i", "I"),
    ("y", "I"),
    ("o", "U"),
    ("u", "U"),
    ("w", "U"),
)
#: What the edit distance of ``sounds_apart`` charges: Arabic leaves short vowels unwritten, so a
#: Latin vowel it lacks costs little; a long vowel the Latin word lacks costs more; another vowel
#: less than another consonant.
LATIN_VOWEL_UNWRITTEN = 0.3
ARABIC_VOWEL_UNSPOKEN = 0.6
OTHER_VOWEL = 0.4
#: ...and an article the Arabic word has and the Latin one does not (ta3leem: تعليم before التعليم).
ARTICLE_UNWRITTEN = 0.3


@lru_cache(maxsize=1 << 12)
def sound_shape(latin: str) -> str:
    """A Latin word (or a romanized Arabic one) with what spellings of one sound differ by evened out:
    letters of one sound made one, vowels as A, I or U (``_SAME_SOUND``), a silent final e or h after
    a vowel dropped, doubled letters single.

    مثال::

        >>> sound_shape("Reuters"), sound_shape(romanized("رويترز")), sound_shape("Jeddah")
        ('rIUtIrs', 'rUItrs', 'kIdA')
    """
    word = re.sub("c(?=[eiy])", "s", latin.lower())
    for digits, letter in _DIGITS.items():  # chat Arabic's digits as their letters sound (3: ع, none)
        word = word.replace(digits, romanized(letter))
    word = re.sub("(?<=[^aeiouwy])e$", "", word)  # a silent final e (apple)
    word = re.sub("(?<=[aeiou])h$", "", word)  # jeddah, makkah
    for letters, sound in _SAME_SOUND:
        word = word.replace(letters, sound)
    return re.sub(r"(.)\1+", r"\1", word)


def arabic_sound_shape(form: str) -> str:
    """An Arabic word's ``sound_shape``, letter by letter (ت then ح is no "th").

    مثال::

        >>> arabic_sound_shape("الاتحاد"), arabic_sound_shape("رويترز")
        ('AlAthAd', 'rUItrs')
    """
    shaped = "".join(map(_letter_shape, form))
    if form.endswith("ه") and len(form) > 2:  # a folded ة
        shaped = shaped[:-1] + "A"
    return re.sub(r"(.)\1+", r"\1", shaped)


@lru_cache(maxsize=256)
def _letter_shape(letter: str) -> str:
    """One Arabic letter's ``sound_shape`` (its romanization's; A for an alef, ى or ة)."""
    return "A" if letter in "اىة" else sound_shape(romanized(letter))


@lru_cache(maxsize=1 << 16)
def sounds_apart(latin: str, form: str) -> float:
    """How far an Arabic word's sounds are from a Latin word's: an edit distance between their sound
    shapes that charges a vowel less than a consonant, the article set aside (Liverpool and ليفربول
    0; سليمان is further from Salman than سلمان)."""
    first, second = sound_shape(latin), arabic_sound_shape(form)
    unwritten = 0.0
    if second.startswith("Al") and not first.startswith(("Al", "l")):  # the article, written in Arabic only
        second, unwritten = second[2:], ARTICLE_UNWRITTEN
    if second[:2] in ("AA", "AI", "AU"):  # an alef carrying a long vowel (أوباما): the vowel is the sound
        second = second[1:]
    elif second[:1] == "A" and first[:1].isupper():  # a first alef is any vowel (أ, إ: Erdogan, إردوغان)
        second = first[0] + second[1:]
    rows = [unwritten] * (len(second) + 1)
    for j in range(1, len(second) + 1):
        rows[j] = rows[j - 1] + _added(second[j - 1])
    for a in first:
        previous, rows[0] = rows[0], rows[0] + _dropped(a)
        for j, b in enumerate(second, 1):
            changed = 0.0 if a == b else OTHER_VOWEL if a.isupper() and b.isupper() else 1.0
            previous, rows[j] = rows[j], min(rows[j] + _dropped(a), rows[j - 1] + _added(b), previous + changed)
    return round(rows[-1], 2)


def _dropped(latin: str) -> float:
    """What leaving out a letter of the Latin word costs (a vowel: Arabic leaves short ones unwritten)."""
    return LATIN_VOWEL_UNWRITTEN if latin.isupper() else 1.0


def _added(arabic: str) -> float:
    """What a letter of the Arabic word the Latin one lacks costs."""
    return ARABIC_VOWEL_UNSPOKEN if arabic.isupper() else 1.0


#: The long vowel Arabic writes for a Latin vowel inside a word.
_LONG_VOWEL = {"a": "ا", "e": "ي", "i": "ي", "o": "و", "u": "و", "y": "ي"}


def full_spellings(word: str) -> list[str]:
    """Arabic spellings of a Latin word with their long vowels, normalized (ة as ه), with the article
    and without: the words a dictionary may know as native (جده for Jeddah, الرياض for Riyadh), which
    no spelling key lists. At most ``MAX_SPELLINGS``.

    مثال::

        >>> "جده" in full_spellings("Jeddah"), "الرياض" in full_spellings("Riyadh")
        (True, True)
    """
    latin = re.sub(r"(.)\1+", r"\1", word.lower())
    if not _LATIN_WORD.fullmatch(latin):
        return []
    latin = re.sub("(?<=[aeiou])h$", "", latin)
    units = _units(latin)
    choices = []
    for at, unit in enumerate(units):
        first, last = at == 0, at == len(units) - 1
        if unit[0] in "aeiou":
            long_vowels = tuple(dict.fromkeys(_LONG_VOWEL[vowel] for vowel in unit))
            if first:
                choices.append(("ا", "ع", *("ا" + vowel for vowel in long_vowels if vowel != "ا")))
            elif last:
                if unit[-1] == "a":  # a final a: ة (folded to ه), an alef, ى, nothing, اء; after i, ية
                    choices.append(("ه", "ا", "ي", "", "اء", *(vowel + "ه" for vowel in long_vowels[:-1])))
                else:
                    choices.append(("", *long_vowels))
            else:
                choices.append(("", *long_vowels, "".join(long_vowels), "ع"))
        else:
            choices.append(_choices(unit, first, last, folded=False))
    return _spelled(choices, with_article=True)


def _spelled(choices: list[tuple[str, ...]], *, with_article: bool = False) -> list[str]:
    """Every word one choice of letters a unit spells (and each with ال before it), at most
    ``MAX_SPELLINGS``, none twice; none when a unit has no letter."""
    if any(not choice for choice in choices):
        return []
    spellings: list[str] = []
    for letters in product(*choices):
        spelled = "".join(letters)
        spellings.extend((spelled, "ال" + spelled) if with_article else (spelled,))
        if len(spellings) >= MAX_SPELLINGS:
            break
    return list(dict.fromkeys(spellings))


def is_chat_arabic(word: str) -> bool:
    """Whether a Latin word writes letters with chat Arabic's digits (3arab, mo7amed), not a number
    (2015) or a name with a number (mp3 is, but is too short to be read)."""
    return bool(re.search("[a-z]", word.lower())) and any(digit in word for digit in DIGIT_MAP)


__all__ = [
    "ARABIC_VOWEL_UNSPOKEN",
    "ARTICLE_UNWRITTEN",
    "LATIN_VOWEL_UNWRITTEN",
    "MAX_SPELLINGS",
    "OTHER_VOWEL",
    "arabic_sound_shape",
    "arabic_spellings",
    "full_spellings",
    "is_chat_arabic",
    "latin_spelling_keys",
    "romanized",
    "sound_shape",
    "sounds_apart",
]
