"""Snippets cut from the ORIGINAL text, with every matched word marked.

A word is marked when its stem or its normalized form is one the query
matched, so the query مملكة marks للمملكةِ as written, diacritics included,
or, when the query matched by root (``root:درس``, or a search widened to
shared roots), when its root is one of ``roots``.
Two renderings: plain text with configurable markers, and HTML where the
article's text is escaped and matches are wrapped in ``<mark>``.

مثال::

    >>> light = get_analyzer("light")
    >>> [s.text for s in snippets("وصل الوزيرُ إلى المملكةِ أمس", light, {"مملك"}, set())]
    ['وصل الوزيرُ إلى [المملكةِ] أمس']
"""

from __future__ import annotations

import html
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from ..analysis import Analyzer
from ..analysis.tokenize import word_end, word_start
from ..records.articles import searchable_part

FRAGMENT_CHARS = 180
MAX_FRAGMENTS = 3
#: Context kept before the first match of a fragment.
LEAD_CHARS = 50
ELLIPSIS = "…"
# Bidi isolation: an article's own direction marks (U+202E ...) cannot reorder
# the page around the snippet.
_ISOLATE_OPEN, _ISOLATE_CLOSE = "\u2068", "\u2069"


@dataclass(frozen=True)
class Snippet:
    """One passage: ``text`` with plain markers, ``html`` escaped with ``<mark>``."""

    text: str
    html: str
    start: int
    end: int


def matched_spans(
    text: str,
    analyzer: Analyzer,
    stems: set[str],
    exact_forms: set[str],
    roots: Collection[str] = (),
    lemmas: Collection[str] = (),
) -> list[tuple[int, int, str]]:
    """``(start, end, term)`` of every word of ``text`` that the query matched: by its stem, its
    form, its root (``roots``) or its lemma (``lemmas``: الوزراء for وزير)."""
    return analyzer.find(text, stems, exact_forms, roots, lemmas)


def render(
    text: str,
    spans: Iterable[tuple[int, int, str]],
    start: int,
    end: int,
    markers: tuple[str, str] = ("[", "]"),
) -> Snippet:
    """Render ``text[start:end]`` with the spans inside it marked."""
    plain: list[str] = []
    markup: list[str] = []
    cursor = start
    for span_start, span_end, _ in spans:
        if span_end <= start or span_start >= end:
            continue
        span_start, span_end = max(span_start, start), min(span_end, end)
        between, word = text[cursor:span_start], text[span_start:span_end]
        plain += [between, markers[0], word, markers[1]]
        markup += [html.escape(between), "<mark>", html.escape(word), "</mark>"]
        cursor = span_end
    plain.append(text[cursor:end])
    markup.append(html.escape(text[cursor:end]))
    lead = ELLIPSIS if start > 0 else ""
    tail = ELLIPSIS if end < len(text) else ""
    return Snippet(
        text=lead + "".join(plain) + tail,
        html=f'<span dir="auto">{_ISOLATE_OPEN}{lead}{"".join(markup)}{tail}{_ISOLATE_CLOSE}</span>',
        start=start,
        end=end,
    )


def snippets(
    text: str,
    analyzer: Analyzer,
    stems: set[str],
    exact_forms: set[str],
    *,
    max_fragments: int = MAX_FRAGMENTS,
    fragment_chars: int = FRAGMENT_CHARS,
    markers: tuple[str, str] = ("[", "]"),
    roots: Collection[str] = (),
    lemmas: Collection[str] = (),
) -> list[Snippet]:
    """The best 1..``max_fragments`` passages of ``text``, in text order.

    Passages are ranked by how many distinct query words they contain; with
    no match at all, the opening of the text is returned.
    """
    text = searchable_part(text)  # matches beyond it are not indexed either
    if not text.strip():
        return []
    spans = matched_spans(text, analyzer, stems, exact_forms, roots, lemmas)
    if not spans:
        end = word_end(text, fragment_chars) if len(text) > fragment_chars else len(text)
        return [render(text, (), 0, end, markers)]
    windows = []
    last = 0  # spans[index:last] end inside the window (two pointers: linear in the spans)
    for index, (span_start, _, _) in enumerate(spans):
        start = word_start(text, span_start - LEAD_CHARS)
        end = word_end(text, start + fragment_chars)
        last = max(last, index)
        while last < len(spans) and spans[last][1] <= end:
            last += 1
        inside = [term for _, _, term in spans[index:last]]
        windows.append((len(set(inside)), len(inside), -start, start, end))
    chosen: list[tuple[int, int]] = []
    for *_, start, end in sorted(windows, reverse=True):
        if all(end <= s or start >= e for s, e in chosen):
            chosen.append((start, end))
        if len(chosen) == max_fragments:
            break
    return [render(text, spans, start, end, markers) for start, end in sorted(chosen)]


def highlight_whole(
    text: str,
    analyzer: Analyzer,
    stems: set[str],
    exact_forms: set[str],
    markers: tuple[str, str] = ("[", "]"),
    roots: Collection[str] = (),
    lemmas: Collection[str] = (),
) -> Snippet:
    """All of ``text`` (a title) with its matched words marked."""
    text = searchable_part(text)
    return render(text, matched_spans(text, analyzer, stems, exact_forms, roots, lemmas), 0, len(text), markers)
