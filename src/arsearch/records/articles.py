"""The Article model, and turning loose records into articles (or clear reasons why not).

مثال::

    >>> article = Article.from_record({"id": 7, "title": "افتتاح معرض الكتاب", "text": "..."})
    >>> article.id
    '7'
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import datetime, timezone
from typing import Any

#: Fields arsearch knows; any other key of a record is kept in ``Article.extra``.
KNOWN_FIELDS = ("id", "title", "text", "date", "source", "author", "url", "category", "tags")
KEYWORD_FIELDS = ("source", "author", "url", "category")
MAX_ID_LENGTH = 512
#: Only this much of a title or text is analyzed, indexed and highlighted (the
#: whole text is still stored and returned): a runaway 50 MB "article" must
#: not take a gigabyte of memory to index. Elasticsearch's highlighter stops
#: at the same million characters by default.
MAX_SEARCHABLE_CHARS = 1_000_000


def searchable_part(text: str) -> str:
    """The part of ``text`` that is indexed: all of it, or its first ``MAX_SEARCHABLE_CHARS``."""
    return text if len(text) <= MAX_SEARCHABLE_CHARS else text[:MAX_SEARCHABLE_CHARS]


_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%d/%m/%Y", "%Y-%m", "%Y")
#: Arabic-Indic and Persian digits, and the Arabic date separator, as dates are written in Arabic text.
_DATE_DIGITS = str.maketrans(
    {**{chr(0x0660 + d): str(d) for d in range(10)}, **{chr(0x06F0 + d): str(d) for d in range(10)}, "\u060d": "/"}
)
#: A date written day/month/year (31/05/2024): read day first, as Arabic readers write it.
_DAY_FIRST = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


class ArticleError(ValueError):
    """A record that cannot be indexed; the message says what is wrong with it.

    ``kind`` is a short category for summaries ("missing id", "wrong type", ...).
    """

    def __init__(self, message: str, kind: str) -> None:
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True)
class Article:
    """One article. Only ``id`` and some text (title or text) are required."""

    id: str
    title: str = ""
    text: str = ""
    date: datetime | None = None
    source: str | None = None
    author: str | None = None
    url: str | None = None
    category: str | None = None
    tags: tuple[str, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_record(cls, record: Any, field_map: Mapping[str, str] | None = None) -> Article:
        """Validate a mapping (e.g. a JSON object) and build an Article.

        ``field_map`` maps arsearch's field names to the record's own keys,
        e.g. ``{"title": "headline", "text": "body"}``. Raises ``ArticleError``.
        """
        if isinstance(record, Article):
            return record
        if not isinstance(record, Mapping):
            raise ArticleError(f"record is not an object (got {_type_name(record)})", "not an object")
        data = dict(record)
        if field_map:
            data = _apply_field_map(data, field_map)
        article_id = _parse_id(data.get("id"))
        title = _text_field(data, "title")
        text = _text_field(data, "text")
        if not title.strip() and not text.strip():
            raise ArticleError("no text: both 'title' and 'text' are empty or missing", "no text")
        keywords = {name: _keyword_field(data, name) for name in KEYWORD_FIELDS}
        return cls(
            id=article_id,
            title=title,
            text=text,
            date=parse_date(data.get("date")),
            tags=_parse_tags(data.get("tags")),
            extra={key: value for key, value in data.items() if key not in KNOWN_FIELDS},
            **keywords,
        )

    def __reduce__(self) -> tuple[type[Article], tuple[Any, ...]]:
        # pickled as its fields in order: 3x cheaper than a dataclass's default, and an import
        # sends every article to an analysis worker
        return (Article, tuple(getattr(self, name) for name in _FIELD_NAMES))

    def to_record(self) -> dict[str, Any]:
        """A JSON-ready dict: the known fields (date as ISO text) plus the extra keys."""
        record: dict[str, Any] = dict(self.extra)
        record.update(id=self.id, title=self.title, text=self.text)
        if self.date is not None:
            record["date"] = self.date.isoformat()
        for name in KEYWORD_FIELDS:
            value = getattr(self, name)
            if value is not None:
                record[name] = value
        if self.tags:
            record["tags"] = list(self.tags)
        return record


_FIELD_NAMES = tuple(member.name for member in fields(Article))


def _type_name(value: Any) -> str:
    names = {dict: "object", list: "array", str: "text", bool: "boolean", int: "number", float: "number"}
    return "null" if value is None else names.get(type(value), type(value).__name__)


def check_field_map(field_map: Mapping[str, str]) -> None:
    """``ValueError`` unless every key of ``field_map`` is an article field (``{"text": "body"}``: the
    article's ``text`` is read from the record's ``body``)."""
    unknown = [ours for ours in field_map if ours not in KNOWN_FIELDS]
    if unknown:
        raise ValueError(
            f"{unknown[0]}={field_map[unknown[0]]}: {unknown[0]!r} is not an article field "
            f"(they are {', '.join(KNOWN_FIELDS)}); write the article's field first, as in text=body"
        )


def _apply_field_map(data: dict[str, Any], field_map: Mapping[str, str]) -> dict[str, Any]:
    mapped = {key: value for key, value in data.items() if key not in field_map.values()}
    for ours, theirs in field_map.items():
        if theirs in data:
            mapped[ours] = data[theirs]
    return mapped


def _parse_id(value: Any) -> str:
    if value is None or value == "":
        raise ArticleError("missing 'id'", "missing id")
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ArticleError(f"'id' must be text or an integer, got {_type_name(value)}", "wrong type")
    article_id = str(value).strip()
    if not article_id:
        raise ArticleError("missing 'id' (only whitespace)", "missing id")
    if len(article_id) > MAX_ID_LENGTH:
        raise ArticleError(f"'id' is longer than {MAX_ID_LENGTH} characters", "id too long")
    return article_id


def _clean_text(value: str) -> str:
    # NUL bytes carry no meaning in text and break some consumers of the index;
    # lone surrogates (from broken decoders) cannot be encoded to UTF-8.
    if "\x00" in value:
        value = value.replace("\x00", "")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        value = value.encode("utf-8", "replace").decode("utf-8")
    return value


def _text_field(data: Mapping[str, Any], name: str) -> str:
    value = data.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ArticleError(f"'{name}' must be text, got {_type_name(value)}", "wrong type")
    return _clean_text(value)


def _keyword_field(data: Mapping[str, Any], name: str) -> str | None:
    value = data.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ArticleError(f"'{name}' must be text, got {_type_name(value)}", "wrong type")
    return _clean_text(str(value)).strip() or None


def _parse_tags(value: Any) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        items = value.split(",")
    elif isinstance(value, (list, tuple)) and all(isinstance(item, str) for item in value):
        items = list(value)
    else:
        raise ArticleError(
            f"'tags' must be a list of text or comma-separated text, got {_type_name(value)}", "wrong type"
        )
    return tuple(dict.fromkeys(tag.strip() for tag in items if tag.strip()))


def parse_date(value: Any) -> datetime | None:
    """ISO 8601 text (date or date-time, 'Z' allowed), a few common forms, or a Unix timestamp.

    Dates are kept naive in UTC so they compare and sort uniformly.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        if not math.isfinite(value) or not -62_135_596_800 <= value <= 253_402_300_799:
            raise ArticleError(f"unparsable date {value!r} (timestamp out of range)", "unparsable date")
        parsed = datetime.fromtimestamp(value, tz=timezone.utc)
    elif isinstance(value, str):
        parsed = _parse_date_text(value.strip())
    else:
        raise ArticleError(f"'date' must be text or a timestamp, got {_type_name(value)}", "wrong type")
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(timezone.utc).replace(tzinfo=None)
    return parsed


def day_first_note(value: Any) -> str | None:
    """What to tell a reader whose date could be read either way (05/06/2024: 5 June, not May 6):
    a day/month/year date whose day is 12 or less. None for any other date."""
    match = _DAY_FIRST.fullmatch(value.strip().translate(_DATE_DIGITS)) if isinstance(value, str) else None
    if match is None or int(match.group(1)) > 12 or match.group(1) == match.group(2):
        return None
    read = parse_date(value)
    assert read is not None
    return f"read the date {value.strip()!r} day first, as {read.day} {read:%B %Y}"


def _parse_date_text(text: str) -> datetime:
    text = text.translate(_DATE_DIGITS)
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        pass
    for date_format in _DATE_FORMATS:
        try:
            return datetime.strptime(text, date_format)
        except ValueError:
            continue
    raise ArticleError(
        f"unparsable date {text[:40]!r} (expected e.g. 2024-05-31 or 2024-05-31T14:00:00)", "unparsable date"
    )
