"""What the spellings of one foreign name or loanword share: its spelling key.

Arabic writes a foreign name in several ways: a long vowel written or not
(ترامب، ترمب), one of ج غ ق ك for a "g" (جوجل، غوغل), ت or ط, س or ص, ز or ذ,
تش or ش for "ch", a doubled letter, ة ه or ا at the end. ``spelling_key``
erases exactly these differences, so that every spelling of a name has one
key. Many native words share a key too (عادل، عدل): telling those apart is
the dictionary's part (``derived.variants``), not this module's.

Each indexed word's key is indexed with it (``spelling_terms``), so a search
finds the other spellings of a word the index holds from the term dictionary
alone, without reading every word of the index. A word with a proclitic
(ولندن، بالكونغرس) is indexed as it is and as each word it may be without it
(لندن، الكونغرس), so a spelling met only after و or ب is found too.

مثال::

    >>> spelling_key("ترامب") == spelling_key("ترمب"), spelling_key("تشيلسي") == spelling_key("شيلسي")
    (True, True)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping

from .dictionary import is_native_form, native_forms
from .speedups import compiled
from .stem import AMBIGUOUS_PREFIXES, ARTICLE_PREFIXES

#: Letters a foreign name is written with in several ways, each made one of its group.
SPELLING_LETTERS = str.maketrans(
    {"غ": "ج", "ق": "ج", "ك": "ج", "گ": "ج", "ط": "ت", "ص": "س", "ذ": "ز", "ڤ": "ف", "پ": "ب"}
)
#: A foreign name's final "s" is written س or ز (باريس، باريز; ويلز، ويلس): keys that differ in their
#: last letter only, one with each, are twins, whose words are judged together. (Only the last
#: letter: inside a word ز/س tell native words apart, زيارة/سيارة, and the key is indexed as it is.)
FINAL_TWINS = {"س": "ز", "ز": "س"}
#: Long-vowel letters, written or dropped inside foreign words (ترامب/ترمب).
LONG_VOWELS = frozenset("اوي")
#: Shortest word that may have spelling variants (three-letter words are Arabic roots).
MIN_LETTERS = 4
#: What separates a key from the word in an indexed spelling term.
KEY_SEPARATOR = "_"
#: the proclitics a word may carry, longest first
_PROCLITICS = sorted({*ARTICLE_PREFIXES, *AMBIGUOUS_PREFIXES}, key=lambda prefix: (-len(prefix), prefix))
#: the article with a proclitic before it (وال، بال، لل...)
_ARTICLE_AFTER_PROCLITIC = tuple(prefix for prefix in ARTICLE_PREFIXES if prefix != "ال")
_DOUBLED = re.compile(r"(.)\1+")
_WITHOUT_LONG_VOWELS = str.maketrans(dict.fromkeys(LONG_VOWELS))
_ARABIC_WORD = re.compile(r"[\u0621-\u064a]+")


def spelling_letters(form: str) -> str | None:
    """``form`` with the differences between spellings of a name evened out but for its long vowels:
    ال set aside, تش as ش, the letters of ``SPELLING_LETTERS`` made one, doubled letters single, a
    final ة/ه/ا dropped (None for a form under ``MIN_LETTERS`` letters or not all Arabic letters).

    مثال::

        >>> spelling_letters("الكونغرس"), spelling_letters("كونجرس")
        ('جونجرس', 'جونجرس')
    """
    if len(form) < MIN_LETTERS or not _ARABIC_WORD.fullmatch(form):
        return None
    bare = form[2:] if form.startswith("ال") and len(form) > MIN_LETTERS + 1 else form
    letters = _DOUBLED.sub(r"\1", bare.replace("تش", "ش").translate(SPELLING_LETTERS))
    return letters[:-1] if len(letters) > 3 and letters[-1] in "هاة" else letters


def python_spelling_key(form: str) -> str | None:
    """The key every spelling of a foreign name shares: its ``spelling_letters`` without inner long
    vowels (None for a form under ``MIN_LETTERS`` letters or not all Arabic letters). ``spelling_key``
    is this, or the compiled core's equal (it is computed for every word an import meets).

    مثال::

        >>> spelling_key("واشنطن"), spelling_key("واشنطون"), spelling_key("الواشنطونيه")
        ('وشنتن', 'وشنتن', 'وشنتني')
    """
    letters = spelling_letters(form)
    if letters is None:
        return None
    return letters[0] + letters[1:-1].translate(_WITHOUT_LONG_VOWELS) + letters[-1]


#: The spelling key of a normalized form (``python_spelling_key``, in C where the core is built).
spelling_key: Callable[[str], str | None] = compiled.spelling_key if compiled is not None else python_spelling_key


def vowel_edits(first: str, second: str) -> int:
    """How many long vowels must be added, dropped, changed or moved to make one spelling the other
    (two forms of one ``spelling_key``): ترامب/ترمب 1, ديمتري/دميتري 1, الكويتية/كاتية 2. Names are
    mostly spelled a vowel apart; words whose keys meet by chance mostly differ by more.

    مثال::

        >>> vowel_edits("ترامب", "ترمب"), vowel_edits("مايكروسوفت", "ميكروسوفت"), vowel_edits("الصين", "اولسون")
        (1, 1, 2)
    """
    return _edit_distance(*(_compared_letters(form) for form in (first, second)))


def _compared_letters(form: str) -> str:
    """``spelling_letters``, as ``judged_key`` makes twin keys one."""
    return judged_key(spelling_letters(form) or form)


def letter_edits(first: str, second: str) -> int:
    """How many letters must be added, dropped, changed or moved to make one spelling the other, the
    article set aside: every difference counts, long vowels and letters of one group alike
    (توجو/توغو 1, جوجل/قوقل 2, توغو/طوكيو 3). Two spellings of a name mostly differ in one or two places;
    words of one key that differ in more are mostly two words (Togo, Tokyo).

    مثال::

        >>> letter_edits("الكونغرس", "كونجرس"), letter_edits("توغو", "طوكيو")
        (1, 3)
    """
    return _edit_distance(*(form[2:] if form.startswith("ال") else form for form in (first, second)))


def _edit_distance(a: str, b: str) -> int:
    """Edit distance with adjacent swaps (optimal string alignment), over two short strings."""
    rows = [list(range(len(b) + 1))]
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            row[j] = min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], rows[-2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]


def spelling_term(form: str, written: str | None = None) -> str:
    """The term indexed for a word's spelling: its key, the word's normalized form, and the word as
    written without its marks where that is not the form ("" when it has no key). Counted over the
    index, the written forms say how the articles spell a word without reading any article. (Terms
    without the written part, for most words, make the field a quarter smaller and its import cheaper.)

    مثال::

        >>> spelling_term("اكاديميه", "أكاديمية"), spelling_term("ترامب"), spelling_term("في")
        ('اجدمي_اكاديميه_أكاديمية', 'ترمب_ترامب', '')
    """
    key = spelling_key(form)
    if key is None:
        return ""
    return KEY_SEPARATOR.join((key, form) if written is None or written == form else (key, form, written))


def parse_spelling_term(term: str) -> tuple[str, str]:
    """The normalized form and the written form a spelling term holds (the form, when the term has
    no written part).

    مثال::

        >>> parse_spelling_term("اجدمي_اكاديميه_أكاديمية"), parse_spelling_term("ترمب_ترامب")
        (('اكاديميه', 'أكاديمية'), ('ترامب', 'ترامب'))
    """
    _, form, *written = term.split(KEY_SEPARATOR, 2)
    return form, written[0] if written else form


#: Letters normalization folds that a dictionary's spelling has and a careless one drops (hamza on
#: its seats, ta marbuta).
_DROPPED_LETTERS = frozenset("أإآؤئة")
#: Alef maqsura: at a word's end it is also written for ي (سيرجى for سيرجي), the other way round.
_ALEF_MAQSURA = "ى"


def fullest_written(spellings: Iterable[str]) -> str:
    """Of the ways one normalized form is written, the one a dictionary reads best: with the most
    hamzas on their seats and ta marbutas (أكاديمية rather than اكاديميه), then the fewest alef
    maqsuras (a final ى also stands for ي: سيرجى for سيرجي), then the first in code-point order.
    The words that have spelling terms are those the dictionary's table does not know (names,
    loanwords, rare forms), and a search judges each as it stands written so: the same however the
    index is split into shards.

    مثال::

        >>> fullest_written(["اكاديميه", "أكاديمية", "اكاديمية"]), fullest_written(["سيرجى", "سيرجي"])
        ('أكاديمية', 'سيرجي')
    """
    return min(
        spellings,
        key=lambda written: (
            -sum(letter in _DROPPED_LETTERS for letter in written),
            written.count(_ALEF_MAQSURA),
            written,
        ),
    )


def spelled_words(spelled: Mapping[str, int]) -> dict[str, tuple[int, str]]:
    """Each word of spelling terms with their article counts (``SpellingSource.spelled``): its
    articles, summed over the ways it is written (an article may write it two ways: a bound), and
    its ``fullest_written`` spelling.

    مثال::

        >>> spelled_words({"سرج_سيرجي": 5, "سرج_سيرجي_سيرجى": 0})
        {'سيرجي': (5, 'سيرجي')}
    """
    articles: dict[str, int] = {}
    writtens: dict[str, list[str]] = {}
    for term, count in spelled.items():
        form, written = parse_spelling_term(term)
        articles[form] = articles.get(form, 0) + count
        writtens.setdefault(form, []).append(written)
    return {form: (count, fullest_written(writtens[form])) for form, count in articles.items()}


#: the proclitics other than ال, each with what the word without it starts with instead: ال for one
#: that holds the article (وال، لل), else nothing
_PROCLITIC_CUTS = tuple(
    (prefix, "ال" if prefix in ARTICLE_PREFIXES else "") for prefix in _PROCLITICS if prefix != "ال"
)
#: the same, by their first letter
_CUTS_BY_LETTER = {letter: [cut for cut in _PROCLITIC_CUTS if cut[0][0] == letter] for letter in "وفبكل"}


def _cuts(form: str) -> list[tuple[int, str]]:
    """Where a proclitic of ``form`` ends, and what the word without it starts with instead."""
    return [
        (len(prefix), article)
        for prefix, article in _CUTS_BY_LETTER.get(form[:1], ())
        if form.startswith(prefix) and len(form) > len(prefix)
    ]


def with_proclitics(form: str) -> list[str]:
    """The words ``form`` is after a proclitic (each ``without_proclitics`` gives ``form`` back): و ب ف ك ل
    and their pairs before a word, وال بال لل... before one with the article.

    مثال::

        >>> with_proclitics("توغو")[:3], with_proclitics("الكونغرس")[:3]
        (['وتوغو', 'فتوغو', 'بتوغو'], ['والكونغرس', 'فالكونغرس', 'بالكونغرس'])
    """
    if form.startswith("ال") and len(form) > MIN_LETTERS:
        return [prefix + form[2:] for prefix in _ARTICLE_AFTER_PROCLITIC]
    return [prefix + form for prefix in AMBIGUOUS_PREFIXES]


def without_proclitics(form: str) -> list[str]:
    """Each word ``form`` may be with a proclitic taken off (و ب ف ك ل, the article's وال بال لل as ال).

    مثال::

        >>> without_proclitics("وبالكونغرس"), without_proclitics("لندن")
        (['الكونغرس', 'بالكونغرس'], ['ندن'])
    """
    return list(dict.fromkeys(article + form[cut:] for cut, article in _cuts(form)))


#: The article with proclitics before it (وال، بال، لل...), longest first: a word after one is the
#: word with ال.
_BEFORE_ARTICLE_PREFIXES = tuple(sorted(_ARTICLE_AFTER_PROCLITIC, key=len, reverse=True))
_BEFORE_ARTICLE = re.compile("|".join(_BEFORE_ARTICLE_PREFIXES))


def known_native(form: str) -> bool:
    """Whether the dictionary's table knows the word whose normalized form is ``form`` as native: as it
    is, after the article (with the proclitics before it: والمدارس), or after و (وقال). Other
    one-letter proclitics are not taken off: بكين is no ب + كين, لندن no ل + ندن.

    مثال::

        >>> known_native("والمدارس"), known_native("وقال"), known_native("لندن")
        (True, True, False)
    """
    if is_native_form(form):
        return True
    if (article := _BEFORE_ARTICLE.match(form)) and is_native_form("ال" + form[article.end() :]):
        return True
    return form.startswith("و") and len(form) > MIN_LETTERS and is_native_form(form[1:])


def spelled_after_proclitics(form: str) -> list[str]:
    """The words that are ``form`` after a proclitic and bring its spelling term (``spelling_terms``):
    ``with_proclitics`` but those the dictionary's table knows as native (وزير is no و + زير).

    مثال::

        >>> spelled_after_proclitics("توغو")[:2], "وزير" in spelled_after_proclitics("زير")
        (['وتوغو', 'فتوغو'], False)
    """
    return [word for word in with_proclitics(form) if not known_native(word)]


def python_spelling_terms(form: str, written: str | None = None) -> str:
    """The spelling terms indexed for a word, space-separated: its own and those of the words it may
    be without a proclitic ("" for a word without a key, and for a word the dictionary's table
    knows as native, which no spelling is merged with). ``written``: the word as written without
    its marks (as long as ``form``: normalization folds letters one for one).

    مثال::

        >>> spelling_terms("ولندن"), spelling_terms("المدرسه")
        ('ولندن_ولندن لندن_لندن', '')
    """
    if known_native(form):
        return ""
    written = written if written is not None and len(written) == len(form) else form
    words = [(form, written)]
    for cut, article in _cuts(form):
        bare = article + form[cut:]
        if not known_native(bare):
            words.append((bare, article + written[cut:]))
    return " ".join(dict.fromkeys(term for word, spelled in words if (term := spelling_term(word, spelled))))


def spelling_terms(form: str, written: str | None = None) -> str:
    """``python_spelling_terms``, or the compiled core's equal (it is computed for every word an
    import meets).

    مثال::

        >>> spelling_terms("بترامب", "بترامب")
        'بترمب_بترامب ترمب_ترامب'
    """
    if compiled is None:
        return python_spelling_terms(form, written)
    spelled = form if written is None else written
    return compiled.spelling_terms(form, spelled, native_forms(), _PROCLITIC_CUTS, _BEFORE_ARTICLE_PREFIXES)


def spelling_prefix(form: str) -> str | None:
    """The prefix of the indexed spelling terms of every word sharing ``form``'s key."""
    key = spelling_key(form)
    return None if key is None else key + KEY_SEPARATOR


def spelling_prefixes(form: str) -> list[str]:
    """``spelling_prefix(form)`` and its twin's (``FINAL_TWINS``), if it has one: the prefixes of the
    indexed spelling terms of every word judged with ``form``.

    مثال::

        >>> spelling_prefixes("باريس"), spelling_prefixes("لندن")
        (['برس_', 'برز_'], ['لندن_'])
    """
    key = spelling_key(form)
    if key is None:
        return []
    twin = FINAL_TWINS.get(key[-1])
    return [key + KEY_SEPARATOR] if twin is None else [key + KEY_SEPARATOR, key[:-1] + twin + KEY_SEPARATOR]


def judged_key(key: str) -> str:
    """The one key of twin keys (``FINAL_TWINS``): a final ز as س.

    مثال::

        >>> judged_key("برز") == judged_key("برس")
        True
    """
    return key[:-1] + "س" if key.endswith("ز") else key


__all__ = [
    "FINAL_TWINS",
    "KEY_SEPARATOR",
    "LONG_VOWELS",
    "MIN_LETTERS",
    "SPELLING_LETTERS",
    "fullest_written",
    "judged_key",
    "known_native",
    "letter_edits",
    "parse_spelling_term",
    "python_spelling_key",
    "python_spelling_terms",
    "spelled_after_proclitics",
    "spelled_words",
    "spelling_key",
    "spelling_letters",
    "spelling_prefix",
    "spelling_prefixes",
    "spelling_term",
    "spelling_terms",
    "vowel_edits",
    "with_proclitics",
    "without_proclitics",
]
