"""User query strings → an engine-neutral query tree. Never raises on bad input.

The language (see ``docs/search.md``)::

    زيارة الوزير            free text: every word counts, more matches rank higher
    "وزير الخارجية"         phrase (on normalized words, in order)
    +المملكة -مصر           must / must not
    title:ميزانية           a field: title, text, source, category, author, tags
    source:"الوطن الرياضي"  a field with a quoted value
    date:2024-01-01..2024-06-30   a date range (either end may be left out)
    root:درس  جذر:درس       every word of a root: درس، مدرسة، المدارس، دراسة، يدرسون
    lemma:وزير  مفرد:وزير   a word and its other forms: وزير، الوزير، وزراء، الوزراء
    اقتص*  تطعيم~           prefix, fuzzy (one edit)
    (نفط OR غاز) AND اسعار  grouping and Boolean operators
    نفط أو غاز / نفط و غاز   Arabic OR / AND: a standalone أو or و between two terms
    ليس "كرة القدم"         Arabic NOT: ليس directly before a phrase, a group or field:value

Malformed input (an unbalanced quote or parenthesis, a lone operator, an
unknown field) falls back to a plain-words search and a warning says why.

مثال::

    >>> parse('"وزير الخارجية" -مصر').describe()
    '(+"وزير الخارجية" -مصر)'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from .records.articles import ArticleError, day_first_note, parse_date

#: Fields a query may name, and what each searches.
TEXT_QUERY_FIELDS = ("title", "text")
KEYWORD_QUERY_FIELDS = ("source", "category", "author", "tags")
#: ``root:درس`` searches by root: every word derived from it, in title and text.
ROOT_QUERY_FIELD = "root"
#: ``lemma:وزير`` searches by lemma: the word and its inflections, broken plurals included.
LEMMA_QUERY_FIELD = "lemma"
#: Fields whose value is one word, searched through what the index derives from it.
WORD_LEVEL_FIELDS = (ROOT_QUERY_FIELD, LEMMA_QUERY_FIELD)
QUERY_FIELDS = (*TEXT_QUERY_FIELDS, *KEYWORD_QUERY_FIELDS, "date", *WORD_LEVEL_FIELDS)
#: How closely a query's words must match (``search(..., match=)``): the word as typed (its
#: normalized form), its stem, its lemma (a broken plural meets its singular) or its root; when
#: none is asked for, the default ranking (stems, with exact forms, lemmas and roots weighed in).
MatchLevel = Literal["word", "stem", "lemma", "root"]
MATCH_LEVELS: tuple[MatchLevel, ...] = ("word", "stem", "lemma", "root")
#: Field names also accepted in Arabic.
ARABIC_FIELD_NAMES = {
    "عنوان": "title",
    "نص": "text",
    "مصدر": "source",
    "تصنيف": "category",
    "كاتب": "author",
    "جذر": ROOT_QUERY_FIELD,
    "مفرد": LEMMA_QUERY_FIELD,
}

MAX_QUERY_CHARS = 1000
MAX_CLAUSES = 64

Occur = Literal["should", "must", "must_not"]


@dataclass(frozen=True)
class Word:
    """One word; ``prefix`` for ``word*``, ``fuzzy`` for ``word~``."""

    text: str
    field: str | None = None
    prefix: bool = False
    fuzzy: bool = False

    def describe(self) -> str:
        suffix = "*" if self.prefix else "~" if self.fuzzy else ""
        return f"{self.field + ':' if self.field else ''}{self.text}{suffix}"


@dataclass(frozen=True)
class Phrase:
    """Words that must appear together, in order."""

    text: str
    field: str | None = None

    def describe(self) -> str:
        return f'{self.field + ":" if self.field else ""}"{self.text}"'


@dataclass(frozen=True)
class DateRange:
    """Articles dated within [start, end]; either end may be open."""

    start: datetime | None
    end: datetime | None

    def describe(self) -> str:
        def show(value: datetime | None) -> str:
            return value.date().isoformat() if value else ""

        return f"date:{show(self.start)}..{show(self.end)}"


@dataclass(frozen=True)
class Bool:
    """Clauses that should, must, or must not match."""

    should: tuple[Node, ...] = ()
    must: tuple[Node, ...] = ()
    must_not: tuple[Node, ...] = ()

    def describe(self) -> str:
        parts = [n.describe() for n in self.should]
        parts += ["+" + n.describe() for n in self.must]
        parts += ["-" + n.describe() for n in self.must_not]
        return "(" + " ".join(parts) + ")"

    def is_empty(self) -> bool:
        return not (self.should or self.must or self.must_not)


Node = Word | Phrase | DateRange | Bool


@dataclass(frozen=True)
class ParsedQuery:
    """The tree, the words of the query in order, and what was not understood."""

    root: Bool
    warnings: tuple[str, ...] = ()
    words: tuple[str, ...] = field(default=())

    def describe(self) -> str:
        return self.root.describe()


class QuerySyntaxError(ValueError):
    """Raised inside the parser only; ``parse`` turns it into a warning."""


# --- lexer ------------------------------------------------------------------

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<lparen>\()
  | (?P<rparen>\))
  | (?P<sign>[+\-!])(?=[^\s+\-!])
  | (?P<field>[^\s:()"+\-!][^\s:()"]*):(?=[^\s)])
  | (?P<phrase>"[^"]*")
  | (?P<quote>")
  | (?P<word>[^\s()"]+)
    """,
    re.VERBOSE,
)

_OPERATORS = {"AND": "and", "&&": "and", "OR": "or", "||": "or", "NOT": "not"}
_ARABIC_OR = {"أو", "او"}
_ARABIC_AND = {"و"}
_ARABIC_NOT = {"ليس"}


@dataclass
class _Token:
    kind: str
    text: str


def _lex(text: str, warnings: list[str]) -> list[_Token]:
    tokens = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "word"
        value = match.group()
        if kind == "space":
            continue
        if kind == "quote":
            warnings.append("unbalanced quote: searched the words without it")
            continue
        if kind == "word" and value in _OPERATORS:
            kind = _OPERATORS[value]
        tokens.append(_Token(kind, value))
    # Arabic operators only where they cannot be prose (see the module doc).
    for index, token in enumerate(tokens):
        before = tokens[index - 1] if index else None
        after = tokens[index + 1] if index + 1 < len(tokens) else None
        between_terms = _is_term(before) and _is_term(after) and _joins_lone_terms(tokens, index)
        if token.kind == "word" and token.text in _ARABIC_OR and between_terms:
            token.kind = "or"
        elif token.kind == "word" and token.text in _ARABIC_AND and between_terms:
            token.kind = "and"
        elif (
            token.kind == "word" and token.text in _ARABIC_NOT and after and after.kind in ("phrase", "lparen", "field")
        ):
            token.kind = "not"
    return tokens


def _kind(token: _Token | None) -> str | None:
    return token.kind if token is not None else None


def _is_term(token: _Token | None) -> bool:
    return _kind(token) in ("word", "phrase", "rparen")


_TERM_BOUNDARIES = ("and", "or", "not", "sign", "lparen", "rparen")


def _joins_lone_terms(tokens: list[_Token], index: int) -> bool:
    """True when the terms on both sides of tokens[index] stand alone: نفط و غاز,
    (نفط أو غاز) و "أسعار", but not the prose of a question (الفرق بين النفط و الغاز)."""

    def alone(position: int, step: int) -> bool:
        if tokens[position].kind in ("lparen", "rparen"):
            return True  # a group is one term
        neighbour = position + step
        if step < 0 and neighbour >= 0 and tokens[neighbour].kind == "field":
            neighbour -= 1  # title:نفط is one term
        if not 0 <= neighbour < len(tokens):
            return True
        other = tokens[neighbour]
        return other.kind in _TERM_BOUNDARIES or other.text in _ARABIC_OR | _ARABIC_AND

    return alone(index - 1, -1) and alone(index + 1, +1)


# --- parser -----------------------------------------------------------------


class _Parser:
    def __init__(self, tokens: list[_Token], warnings: list[str]) -> None:
        self.tokens = tokens
        self.position = 0
        self.warnings = warnings

    def peek(self) -> _Token | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def next_ends_a_term(self) -> bool:
        """True when nothing that could be a term comes next (end, operator, ')')."""
        return _kind(self.peek()) in (None, "or", "and", "rparen")

    def take(self) -> _Token:
        token = self.tokens[self.position]
        self.position += 1
        return token

    def parse(self) -> Bool:
        node = self.or_expression()
        if self.peek() is not None:
            raise QuerySyntaxError("unbalanced parenthesis")
        return node if isinstance(node, Bool) else Bool(should=(node,))

    def or_expression(self) -> Node:
        alternatives = [self.and_expression()]
        while (token := self.peek()) is not None and token.kind == "or":
            self.take()
            if self.next_ends_a_term():
                raise QuerySyntaxError("OR without a term after it")
            alternatives.append(self.and_expression())
        if len(alternatives) == 1:
            return alternatives[0]
        return Bool(should=tuple(alternatives))

    def and_expression(self) -> Node:
        should: list[Node] = []
        must: list[Node] = []
        must_not: list[Node] = []
        pending_and = dropped = False
        while (token := self.peek()) is not None and token.kind not in ("or", "rparen"):
            if token.kind == "and":
                self.take()
                if not (should or must or must_not) or self.next_ends_a_term():
                    raise QuerySyntaxError("AND without a term on both sides")
                pending_and = True
                # AND makes both neighbours required
                if should:
                    must.append(should.pop())
                continue
            occur, node = self.unary()
            if node is None:
                dropped = True  # e.g. an unparsable date range, already warned about
                continue
            if pending_and and occur == "should":
                occur = "must"
            pending_and = False
            {"should": should, "must": must, "must_not": must_not}[occur].append(node)
        if not (should or must or must_not):
            if dropped:
                return Bool()
            raise QuerySyntaxError("an operator without terms")
        if len(should) == 1 and not must and not must_not:
            return should[0]
        return Bool(tuple(should), tuple(must), tuple(must_not))

    def unary(self) -> tuple[Occur, Node | None]:
        token = self.peek()
        if token is None:
            raise QuerySyntaxError("+, - or ! without a term after it")
        if token.kind == "sign":
            self.take()
            _, node = self.unary()
            return ("must" if token.text == "+" else "must_not"), node
        if token.kind == "not":
            self.take()
            if self.next_ends_a_term():
                raise QuerySyntaxError("NOT without a term after it")
            _, node = self.unary()
            return "must_not", node
        return "should", self.primary()

    def primary(self) -> Node | None:
        token = self.take()
        if token.kind == "lparen":
            if self.peek() is None:
                raise QuerySyntaxError("unbalanced parenthesis")
            node = self.or_expression()
            closing = self.peek()
            if closing is None or closing.kind != "rparen":
                raise QuerySyntaxError("unbalanced parenthesis")
            self.take()
            return node
        if token.kind == "rparen":
            raise QuerySyntaxError("unbalanced parenthesis")
        if token.kind == "phrase":
            return _phrase(token.text, None)
        if token.kind == "field":
            return self.field_value(token.text[:-1])
        if token.kind in ("and", "or", "not"):
            raise QuerySyntaxError(f"a lone operator {token.text}")
        return _word(token.text, None)

    def field_value(self, name: str) -> Node | None:
        canonical = ARABIC_FIELD_NAMES.get(name, name.lower())
        value = self.take() if self.peek() is not None else None
        if value is None:
            raise QuerySyntaxError(f"nothing after {name}:")
        if canonical not in QUERY_FIELDS:
            self.warnings.append(f"unknown field {name!r} (known: {', '.join(QUERY_FIELDS)}): searched as words")
            return _word(value.text.strip('"'), None)
        if canonical == "date":
            return _date_range(value.text, self.warnings)
        if canonical in KEYWORD_QUERY_FIELDS:
            return Word(value.text.strip('"'), canonical)  # a whole value, matched as is
        if canonical in WORD_LEVEL_FIELDS:
            if value.kind != "word" or value.text.endswith(("*", "~")):
                example = "a root such as درس, or a word of that root" if canonical == ROOT_QUERY_FIELD else "وزير"
                raise QuerySyntaxError(f"{name}: takes one word ({example})")
            return Word(value.text, canonical)
        if value.kind == "phrase":
            return _phrase(value.text, canonical)
        if value.kind != "word":
            raise QuerySyntaxError(f"{name}: needs a value")
        return _word(value.text, canonical)


def _phrase(quoted: str, field_name: str | None) -> Node | None:
    text = " ".join(quoted.strip('"').split())
    return Phrase(text, field_name) if text else None


def _word(text: str, field_name: str | None) -> Node | None:
    prefix = len(text) > 1 and text.endswith("*")
    fuzzy = len(text) > 1 and text.endswith("~")
    core = text.rstrip("*~") if (prefix or fuzzy) else text
    if not core.strip("*~?"):
        return None
    return Word(core, field_name, prefix=prefix, fuzzy=fuzzy)


def _date_range(text: str, warnings: list[str]) -> Node | None:
    start_text, separator, end_text = text.partition("..")
    if not separator:
        start_text = end_text = text  # one day (or month/year) only
    try:
        start = parse_date(start_text) if start_text else None
        end = parse_date(end_text) if end_text else None
    except ArticleError:
        warnings.append(f"unparsable date range {text!r} (use date:2024-01-01..2024-06-30): ignored")
        return None
    warnings.extend(note for date in dict.fromkeys((start_text, end_text)) if (note := day_first_note(date)))
    if start is not None and end is not None and start > end:
        warnings.append(f"the date range {text!r} is reversed: no article can be in it (write the earlier date first)")
    return DateRange(start, inclusive_end(end))


def inclusive_end(end: datetime | None) -> datetime | None:
    """A bare end date (midnight) stands for that whole day."""
    if end is not None and end.hour == end.minute == end.second == 0:
        return end.replace(hour=23, minute=59, second=59)
    return end


def _plain_words(text: str) -> Bool:
    words = [w for w in re.split(r"[\s()\"+!]+", text) if w and w not in _OPERATORS]
    nodes = [node for w in words[:MAX_CLAUSES] if (node := _word(w.lstrip("-").replace(":", " "), None))]
    return Bool(should=tuple(nodes))


def parse(text: str) -> ParsedQuery:
    """Parse a user query; malformed input degrades to plain words with a warning."""
    warnings: list[str] = []
    if len(text) > MAX_QUERY_CHARS:
        warnings.append(f"query cut to its first {MAX_QUERY_CHARS} characters")
        text = text[:MAX_QUERY_CHARS]
    tokens = _lex(text, warnings)
    if len(tokens) > MAX_CLAUSES:
        warnings.append(f"query cut to its first {MAX_CLAUSES} terms")
        tokens = tokens[:MAX_CLAUSES]
    try:
        root = _Parser(tokens, warnings).parse() if tokens else Bool()
    except QuerySyntaxError as error:
        warnings.append(f"{error}: searched the words only")
        root = _plain_words(text)
    words = tuple(t.text for t in tokens if t.kind in ("word", "phrase"))
    return ParsedQuery(root, tuple(warnings), words)
