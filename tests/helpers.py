"""What the tests share: where the repository, the bundled sample and the team's data are."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import orjson

from arsearch import Index
from arsearch.analysis import Step, Word

#: The repository's root.
ROOT = Path(__file__).resolve().parents[1]
#: The bundled sample: 30 short news articles.
SAMPLE = ROOT / "samples" / "news.jsonl"
#: The team's data folder (../shared): corpora and test sets; tests that need it skip without it.
SHARED = ROOT.parent / "shared"
#: The bundled sample's records, as an import reads them.
SAMPLE_RECORDS: list[dict[str, Any]] = [orjson.loads(line) for line in SAMPLE.read_bytes().splitlines() if line.strip()]

#: Articles that spell one name in several ways, for synonyms (a group's members are phrases and words).
SYNONYM_ARTICLES = [
    {"id": "typed", "title": "جولة في أمريكا", "text": "وصل الوزير إلى أمريكا في جولة رسمية لبحث التعاون"},
    {"id": "phrase", "title": "جولة رسمية", "text": "وصل الوزير إلى الولايات المتحدة في جولة رسمية لبحث التعاون"},
    {"id": "clitic", "title": "اتفاق تجاري", "text": "وقعت المملكة اتفاقا مع بالولايات المتحدة في مجال الطاقة"},
    # both words of the phrase, but apart: a phrase synonym must not match it
    {"id": "apart", "title": "نقل", "text": "الشركة المتحدة للنقل تخدم الولايات الشمالية"},
    {"id": "un", "title": "قرار أممي", "text": "أصدرت المنظمة الدولية قرارا بشأن اللاجئين"},
    {"id": "un-typed", "title": "قرار جديد", "text": "أصدرت الأمم المتحدة قرارا بشأن اللاجئين"},
    {"id": "other", "title": "طقس", "text": "ترتفع درجات الحرارة في المنطقة الشرقية"},
]


def ranked(index: Index, query: str) -> list[str]:
    """The ids a search finds, best first, every copy listed."""
    return [hit.id for hit in index.search(query, limit=50, collapse=False).hits]


# --- articles on two subjects, for topic models

FOOTBALL_TEXT = ["سجل اللاعب هدفا في المباراة", "أشاد المدرب بالفريق بعد البطولة", "امتلأ الملعب بالجمهور"]
ECONOMY_TEXT = ["ارتفعت أسعار النفط في السوق", "أبقى البنك على الفائدة", "تراجع التضخم مع نمو الاستثمار"]


def topic_articles(start: int, count: int) -> list[dict[str, str]]:
    """``count`` short articles, on football or on the economy by turns, from number ``start``."""
    rng = random.Random(start)
    made = []
    for number in range(start, start + count):
        sentences = FOOTBALL_TEXT if number % 2 else ECONOMY_TEXT
        text = "، ".join(rng.sample(sentences, 2))
        made.append({"id": f"a{number}", "title": rng.choice(sentences), "text": text})
    return made


# --- analysis steps of one's own: importable, so an index can save them and its workers run them


class Digitless(Step):
    """Numbers are not indexed (a step of one's own, importable: an index can save it)."""

    def __call__(self, word: Word) -> None:
        if word.normalized.replace(",", "").replace(".", "").isdigit():
            word.term = ""


class Prefixed(Step):
    """A step with options: every term gets ``prefix`` (rebuilt from ``options()``)."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    def __call__(self, word: Word) -> None:
        if word.term:
            word.term = self.prefix + word.term

    def options(self) -> dict[str, Any]:
        return {"prefix": self.prefix}


def articles_per_word(words: list[str], sentence: str, each: int = 3) -> list[dict[str, str]]:
    """``each`` articles per word (ids ``word-0``, ``word-1``...), the word once in each, in
    ``sentence`` at ``{}``: enough that a search for it is not widened to its root (``WIDEN_BELOW``)."""
    return [
        {"id": f"{word}-{number}", "title": f"خبر رقم {number}", "text": sentence.format(word)}
        for word in dict.fromkeys(words)
        for number in range(each)
    ]


def word_of(article_id: str) -> str:
    """The word an ``articles_per_word`` article was made for."""
    return article_id.rsplit("-", 1)[0]
