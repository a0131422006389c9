"""The spellings of an index's words judged once, after an import, rather than by its first searches.

A search that meets a name or a loanword judges its other spellings
(``derived.variants.SpellingJudge``): it reads the spelling terms of the
word's key, counts articles, and asks the dictionary whether each word is a
native one (2-5 ms a word the shipped tables do not hold). That made the first
search of such a word two to three times slower than before the dictionary.
The refit an import makes due (``store.refits``: in the background by default,
after the topic model) therefore judges ahead every word a search may ask
about, each word sharing its spelling key with another one close enough to be
judged (``variants.close_spellings``), one of the two in ``MIN_ARTICLES``
articles or more, and keeps in ``prejudged.tsv.gz`` beside the index:

* the dictionary's verdict on each such word not in the shipped tables, as the
  articles most often write it (``kind_of``): verdicts on words, valid for as
  long as the dictionary is the same, so a later refit asks only about new ones;
* each such word's answer: the index terms a search for it also finds, as the
  judge answers on the refit's commit, worked out anew by each refit, with a
  print of the words of its spelling key then: a search takes the answer while
  the print is the same, and judges the word again once an article brings
  another spelling of it.

The verdicts are also kept in a cache shared by every index of the machine
(``CACHE_ENV_VAR``, by default ``~/.cache/arsearch``; set it empty to keep none):
a word's verdict is the dictionary's, whatever the index, so an index rebuilt,
or another built from like articles, asks only about the words none has met.

Searches read both before judging: the same answers, without the wait. A word
not judged ahead (typed, new since, or in a pair of rare words), or one with a
spelling new since, is judged when a search meets it. For SaudiNewsNet's 31k
articles: 66,778 words, 2.5 minutes of one core, most of it the dictionary's
analysis of 64,228 words (half a minute when the machine's cache knows them),
and a file of 0.6 MB.

مثال::

    >>> prejudged = read_prejudged(index.path / PREJUDGED_FILE)   # doctest: +SKIP
    >>> prejudged.kinds.get("أوردوغان"), prejudged.answers["اوردوغان"].terms   # doctest: +SKIP
    ('unknown', ('اوردغ',))
"""

from __future__ import annotations

import gzip
import os
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from ..analysis.dictionary import Kind, attested_table_header, kind_of, table_kind
from ..analysis.spelling import judged_key, spelled_words, spelling_key
from ..records.files import write_atomically
from .variants import JUDGE_RULES, MIN_KEY, Answer, SpellingJudge, SpellingSource, close_spellings

PREJUDGED_FILE = "prejudged.tsv.gz"
#: Where the verdicts shared by every index of the machine are kept ("": nowhere); by default
#: ``$XDG_CACHE_HOME/arsearch``, else ``~/.cache/arsearch``.
CACHE_ENV_VAR = "ARSEARCH_CACHE_DIR"
_CACHE_FILE = "word-kinds.tsv.gz"
#: Kept only for the dictionary and thresholds the verdicts were given by.
_HEADER_PREFIX = "# arsearch prejudged spellings 2; "
#: The answers are the judge's, by its rules of the time: kept only for the same rules
#: (``variants.JUDGE_RULES``); the verdicts, the dictionary's, outlive a change of rules.
_RULES = "; judge "
_KINDS = frozenset(("native", "name", "noun", "unknown"))
#: A pair is judged ahead when one of its words is in this many articles or more: a pair of words
#: each in one or two articles is seldom searched for, and costs as much to judge (a third of the
#: words of 31k articles, three in five of 1,500's).
MIN_ARTICLES = 3
#: Row tags: a dictionary verdict (word, kind), a word's answer (form, then its terms).
_KIND_ROW, _ANSWER_ROW = "k", "a"


def _header() -> str:
    return f"{_HEADER_PREFIX}{attested_table_header()}{_RULES}{JUDGE_RULES}"


@dataclass(frozen=True)
class Prejudged:
    """What a refit judged ahead: verdicts by word as written, answers by normalized form."""

    kinds: dict[str, Kind] = field(default_factory=dict)
    answers: dict[str, Answer] = field(default_factory=dict)


def spellings_to_judge(source: SpellingSource) -> dict[str, str]:
    """The index's words a search may judge: each word (normalized form: as the articles most often
    write it) of a spelling key of ``MIN_KEY`` letters or more that it shares with another word close
    enough to be judged, one of the two in ``MIN_ARTICLES`` articles or more.

    مثال::

        >>> sorted(spellings_to_judge(index.snapshot().spelling_source()).items())[:1]   # doctest: +SKIP
        [('اوردغان', 'أوردغان')]
    """
    words: dict[str, str] = {}
    for forms in _forms_by_key(source):
        listed = list(forms)
        for number, first in enumerate(listed):
            for second in listed[number + 1 :]:
                if max(forms[first][0], forms[second][0]) >= MIN_ARTICLES and close_spellings(first, second):
                    words[first], words[second] = forms[first][1], forms[second][1]
    return words


def words_to_look_up(source: SpellingSource) -> list[str]:
    """The words (as written) of ``spellings_to_judge`` that the shipped tables do not know: those a
    search would ask the dictionary about (``dictionary.table_kind``)."""
    return _unknown_to_tables(spellings_to_judge(source).values())


def _unknown_to_tables(words: Iterable[str]) -> list[str]:
    return sorted({written for written in words if table_kind(written) is None})


def _forms_by_key(source: SpellingSource) -> Iterator[dict[str, tuple[int, str]]]:
    """Each spelling key's words (normalized form: articles, commonest written form), twin keys'
    together (``analysis.spelling.judged_key``), for keys with two or more."""
    keys: dict[str, dict[str, tuple[int, str]]] = {}
    for form, counted in spelled_words(source.spelled("")).items():
        key = spelling_key(form)
        if key is not None and len(key) >= MIN_KEY:
            keys.setdefault(judged_key(key), {})[form] = counted  # twin keys together (باريس، باريز)
    for written in keys.values():
        if len(written) > 1:
            yield written


def read_prejudged(path: Path) -> Prejudged:
    """What the file at ``path`` holds; nothing when it is missing, damaged, or was made with another
    dictionary or other thresholds, and its verdicts only when the judge's rules have changed since
    (searches then judge as they go, until a refit answers anew)."""
    try:
        header, _, rows = gzip.decompress(path.read_bytes()).decode("utf-8").partition("\n")
    except (OSError, EOFError, zlib.error, UnicodeDecodeError):
        return Prejudged()
    verdicts_hold = header.partition(_RULES)[0] == _header().partition(_RULES)[0]
    if not verdicts_hold:
        return Prejudged()
    answers_hold = header == _header()
    found = Prejudged()
    for row in rows.splitlines():
        tag, _, rest = row.partition("\t")
        word, _, value = rest.partition("\t")
        if tag == _KIND_ROW and value in _KINDS:
            found.kinds[word] = cast(Kind, value)
        elif tag == _ANSWER_ROW and answers_hold:
            spellings, *terms = value.split("\t")
            found.answers[word] = Answer(spellings, tuple(term for term in terms if term))
    return found


def prejudge(source: SpellingSource, directory: Path) -> Prejudged:
    """Judge ahead the index's ``spellings_to_judge`` and keep the verdicts and answers in ``directory /
    PREJUDGED_FILE`` (replaced atomically): the dictionary is asked only about words the file has
    no verdict on yet; every answer is worked out again (on ``source``, the same commit)."""
    path = directory / PREJUDGED_FILE
    kinds = read_prejudged(path).kinds
    shared = _shared_cache()
    known = read_prejudged(shared).kinds if shared is not None else {}
    spellings = spellings_to_judge(source)  # all terms read, and pairs compared: seconds for 31k articles
    for word in _unknown_to_tables(spellings.values()):
        if word not in kinds:
            kinds[word] = known.get(word) or kind_of(word)

    def kind(word: str) -> Kind:  # a word the judge asks about beyond those (a compound's) is kept too
        found = kinds.get(word)
        if found is None:
            found = kind_of(word)
            if table_kind(word) is None:
                kinds[word] = found
        return found

    judge = SpellingJudge(source, kind, known_kind=IndexKinds(lambda: kinds).known)
    answers = {form: Answer(judge.spellings_print(form), judge.answer(form)) for form in sorted(spellings)}
    _write(path, kinds, answers)
    if shared is not None and not known.keys() >= kinds.keys():
        with suppress(OSError):  # a cache: one that cannot be written costs time only
            shared.parent.mkdir(parents=True, exist_ok=True)
            _write(shared, {**read_prejudged(shared).kinds, **kinds}, {})  # read again: others may have added
    return Prejudged(kinds, answers)


def _write(path: Path, kinds: Mapping[str, Kind], answers: Mapping[str, Answer]) -> None:
    lines = [
        _header(),
        *(f"{_KIND_ROW}\t{word}\t{kind}" for word, kind in sorted(kinds.items())),
        *("\t".join((_ANSWER_ROW, form, answer.spellings, *answer.terms)) for form, answer in answers.items()),
    ]
    write_atomically(path, gzip.compress(("\n".join(lines) + "\n").encode("utf-8"), mtime=0))


def _shared_cache() -> Path | None:
    """The file of the verdicts shared by the machine's indexes (``CACHE_ENV_VAR``), or None."""
    chosen = os.environ.get(CACHE_ENV_VAR)
    if chosen is None:
        try:
            base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        except RuntimeError:  # no home directory to keep it in
            return None
        chosen = str(Path(base) / "arsearch")
    return Path(chosen) / _CACHE_FILE if chosen else None


class IndexKinds:
    """The dictionary's verdicts on words, those ``kinds()`` gives first (an index's, read again when a
    refit replaces them): ``__call__`` asks the dictionary about a word they lack, ``known`` does not."""

    def __init__(self, kinds: Callable[[], Mapping[str, Kind]]) -> None:
        self._kinds = kinds

    def __call__(self, word: str) -> Kind:
        return self._kinds().get(word) or kind_of(word)

    def known(self, word: str) -> Kind | None:
        """The verdict where it is known without analysing the word (these, or the shipped tables)."""
        return self._kinds().get(word) or table_kind(word)


__all__ = [
    "CACHE_ENV_VAR",
    "PREJUDGED_FILE",
    "IndexKinds",
    "Prejudged",
    "prejudge",
    "read_prejudged",
    "spellings_to_judge",
    "words_to_look_up",
]
