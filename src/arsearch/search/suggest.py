"""Did-you-mean corrections and autocomplete, from the index's own vocabulary.

Normalization already makes the commonest slips harmless (ة/ه, ى/ي, hamza
forms, diacritics). What is left is corrected here: a letter doubled,
dropped, swapped or mistyped (edit distance over normalized forms, ranked by
document frequency), and two words typed without the space between them.

مثال::

    >>> index.search("المملكلة").suggestion        # doctest: +SKIP
    'المملكة'
    >>> [s.text for s in index.suggest("وزا")]      # doctest: +SKIP
    ['وزارة', 'وزارات', ...]

Words are shown as the articles most often write them (``Snapshot.spelling``:
وزارة, not the index's folded وزاره), and autocomplete offers no stop words.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..analysis.keyboard import as_arabic, english_readings, typed_in_arabic, typed_in_latin
from ..analysis.transliterate import full_spellings, sounds_apart
from ..derived.vocabulary import Vocabulary
from ..query import ParsedQuery, Word
from ..store.snapshot import Snapshot
from .rewrite import AS_TYPED_ARTICLES, AS_TYPED_SHARE

#: A Latin word's beginning is completed in Arabic letters from this many letters on...
MIN_SPELLED_PREFIX = 3
#: ...from its Arabic spellings that sound at most this much further than the closest.
CLOSE_PREFIX = 0.0

#: Look for a correction when a query finds fewer results than this.
SUGGEST_BELOW = 3
#: A word is suspect when it occurs in fewer documents than this.
RARE_WORD_DOCS = 2
#: Completions read beyond ``limit``, so that enough remain once stop words are left out.
STOPWORD_SLACK = 30
#: Did-you-mean looks at this many unknown words of a query at most, each no
#: longer than this: the time per query stays bounded whatever is typed.
MAX_CORRECTED_WORDS = 8
MAX_CORRECTABLE_LETTERS = 20
MIN_SPLIT_PART = 2


@dataclass(frozen=True)
class Suggestion:
    """One completion: ``text`` (the words typed before it, then the word as the articles most
    often write it), how many articles contain the word, and its normalized ``form`` (what is counted)."""

    text: str
    doc_count: int
    form: str = ""

    def as_dict(self) -> dict[str, str | int]:
        """The JSON form (the CLI's --json and the HTTP API)."""
        return {"text": self.text, "doc_count": self.doc_count, "form": self.form}

    def written(self, spelling: str, doc_count: int | None = None) -> Suggestion:
        """This suggestion with its word shown as ``spelling`` (and another count, when given)."""
        head = self.text[: len(self.text) - len(self.form)] if self.text.endswith(self.form) else ""
        count = self.doc_count if doc_count is None else doc_count
        return Suggestion(head + spelling, count, self.form)


def _nearest(vocabulary: Vocabulary, form: str, *, stemmed: bool) -> str | None:
    """The most frequent known term near ``form``: one edit away, or two for long words."""
    for distance in (1, 2) if len(form) >= 6 else (1,):
        near = [(w, c) for w, c in vocabulary.within(form, distance, stemmed=stemmed) if w != form]
        near = [(w, c) for w, c in near if c >= RARE_WORD_DOCS]
        if near:
            return near[0][0]
    return None


def _correct_word(vocabulary: Vocabulary, form: str, stem: str | None) -> str | None:
    """A near known word (exact forms, or stems: تطعيمم → تطعيم), or the word split in two."""
    # a whole word is shown when there is one; a stem only when no word is near
    near = _nearest(vocabulary, form, stemmed=False)
    if near is None and stem:
        near = _nearest(vocabulary, stem, stemmed=True)
    if near is not None:
        return near
    splits = []
    for cut in range(MIN_SPLIT_PART, len(form) - MIN_SPLIT_PART + 1):
        left, right = form[:cut], form[cut:]
        frequency = min(vocabulary.count(left), vocabulary.count(right))
        if frequency:  # both halves are words of the index: a missing space is the likely slip
            splits.append((frequency, f"{left} {right}"))
    return max(splits)[1] if splits else None


def did_you_mean(snapshot: Snapshot, parsed: ParsedQuery, total: int) -> str | None:
    """A corrected query when this one found (almost) nothing, else None."""
    if total >= SUGGEST_BELOW:
        return None
    words = [n for n in parsed.root.should + parsed.root.must if isinstance(n, Word) and not n.field]
    if not words:
        return None
    vocabulary = snapshot.vocabulary()
    light = snapshot.analyzer
    corrected = []
    changed = False
    attempts = 0
    for word in words:
        tokens = list(light.tokens(word.text, keep_stopwords=True))
        stems = [t.stem for t in tokens if t.stem]
        if word.prefix or word.fuzzy or not stems:
            corrected.append(word.text)
            continue
        forms = [t.normalized for t in tokens]
        known_stem = any(vocabulary.count(stem, stemmed=True) for stem in stems)
        if (
            len(forms) == 1
            and not known_stem
            and vocabulary.count(forms[0]) < RARE_WORD_DOCS
            and len(forms[0]) <= MAX_CORRECTABLE_LETTERS
            and attempts < MAX_CORRECTED_WORDS
        ):
            attempts += 1
            fix = _correct_word(vocabulary, forms[0], stems[0])
            if fix:
                corrected.append(" ".join(snapshot.spelling(part) for part in fix.split(" ")))
                changed = True
                continue
        corrected.append(word.text)
    return " ".join(corrected) if changed else None


def autocomplete(snapshot: Snapshot, prefix: str, limit: int = 10, *, spelled: bool = True) -> list[Suggestion]:
    """Completions of the last word of ``prefix``, most frequent first, stop words left out, each as
    the articles most often write it (``spelled=False``: as normalized, which a cluster merges first).

    The earlier words are kept as typed, so "وزير الخار" completes to "وزير الخارجية". A prefix typed
    with the keyboard on the other layout completes as meant when the index has (next to) nothing
    for it as typed: "hgs" offers what "الس" would (``search.rewrite``'s rule); failing that, a
    Latin word's beginning completes as the articles write it in Arabic letters (Erdo: أردوغان).
    """
    head, _, last = prefix.rstrip().rpartition(" ") if prefix.strip() else ("", "", "")
    if prefix.endswith(" "):
        return []
    found = _completions(snapshot, head, last, limit)
    best = found[0].doc_count if found else 0
    if best < AS_TYPED_ARTICLES and (typed_in_latin(prefix) or typed_in_arabic(prefix)):
        read = as_arabic if typed_in_latin(prefix) else _as_english
        # a reading with a shifted key's symbol in its last word (O is ×) is no word begun
        meant = _completions(snapshot, read(head), read(last), limit) if read(last).isalpha() else []
        if typed_in_latin(prefix):  # or a name in Latin letters, as the articles write it: the commoner
            as_written = _spelled_completions(snapshot, head, last, limit)
            if as_written and (not meant or as_written[0].doc_count > meant[0].doc_count):
                meant = as_written
        if meant and best < AS_TYPED_SHARE * meant[0].doc_count:
            found = meant
    return [s.written(snapshot.spelling(s.form)) for s in found] if spelled else found


def _spelled_completions(snapshot: Snapshot, head: str, last: str, limit: int) -> list[Suggestion]:
    """Completions of a Latin word's beginning as the articles write it in Arabic letters (Erdo:
    أردوغان): of its Arabic spellings (``analysis.transliterate``) that begin some word of the index,
    those that sound closest to it."""
    if len(last) < MIN_SPELLED_PREFIX:
        return []
    vocabulary = snapshot.vocabulary()
    begun = [spelling for spelling in full_spellings(last) if vocabulary.starts_any(spelling)]
    if not begun:
        return []
    apart = {spelling: sounds_apart(last, spelling) for spelling in begun}
    closest = min(apart.values())
    words: dict[str, int] = {}
    for spelling in begun:
        if apart[spelling] <= closest + CLOSE_PREFIX:
            words.update(_complete(snapshot, spelling, limit))
    lead = f"{head} " if head else ""
    ranked = sorted(words.items(), key=lambda pair: (-pair[1], pair[0]))[:limit]
    return [Suggestion(lead + word, count, word) for word, count in ranked]


def _complete(snapshot: Snapshot, form: str, limit: int) -> list[tuple[str, int]]:
    """The commonest words (no stop word) that begin with ``form``."""
    analyzer = snapshot.analyzer
    found = snapshot.vocabulary().complete(form, max(1, limit) + STOPWORD_SLACK)
    return [(word, count) for word, count in found if analyzer.terms(word)][:limit]


def _as_english(text: str) -> str:
    """The likeliest English reading of Arabic letters (لا as its one key)."""
    return english_readings(text)[0]


def _completions(snapshot: Snapshot, head: str, last: str, limit: int) -> list[Suggestion]:
    """The completions of ``last`` after the words ``head``, as normalized forms."""
    forms = [t.normalized for t in snapshot.analyzer.tokens(last, keep_stopwords=True)]
    if len(forms) != 1:
        return []
    lead = f"{head} " if head else ""
    return [Suggestion(lead + word, count, word) for word, count in _complete(snapshot, forms[0], limit)]
