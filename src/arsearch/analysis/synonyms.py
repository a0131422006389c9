"""Synonyms: groups of words and phrases that a search treats as one, applied at query time.

A publisher's own vocabulary (أمريكا = الولايات المتحدة, الأمم المتحدة =
المنظمة الدولية, a brand and its Arabic name) is kept with the index as
groups of equivalents. Nothing is re-indexed: when a query's words (or a
quoted phrase) spell one member of a group, the search also looks for the
other members, a word as a word, a phrase as a phrase, with less weight than
the words typed (``Ranking.synonym_boost``).

Members are matched by their index terms, so a group written as أمريكا also
fires for لأمريكا or امريكا, and the phrase الولايات المتحدة for بالولايات المتحدة.

مثال::

    >>> table = SynonymTable([["أمريكا", "الولايات المتحدة"]], get_analyzer())
    >>> [member.text for member in table.others(table.group_of(["امريك"]), ["امريك"])]  # doctest: +SKIP
    ['الولايات المتحدة']
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..errors import SynonymError
from .analyzer import Analyzer

#: Longest member, in characters (a synonym is a word or a name, not a paragraph).
MAX_MEMBER_CHARS = 100
#: Most members a group may have.
MAX_GROUP_MEMBERS = 50

Groups = list[list[str]]


@dataclass(frozen=True)
class Member:
    """One member of a group: its text as given, its index terms, its normalized words."""

    text: str
    #: the index terms of its words (stop words left out): what a query must spell to match it
    stems: tuple[str, ...]
    #: every word's normalized form, stop words included
    forms: tuple[str, ...]

    @property
    def gaps(self) -> int:
        """Stop words inside the phrase: how far apart its terms may be in the index."""
        return len(self.forms) - len(self.stems)


def member(text: str, analyzer: Analyzer) -> Member:
    """``text`` analyzed as a synonym member; ``SynonymError`` when it cannot be one."""
    cleaned = " ".join(str(text).split())
    if not cleaned:
        raise SynonymError("an empty synonym: give a word or a phrase")
    if len(cleaned) > MAX_MEMBER_CHARS:
        raise SynonymError(f"synonym {cleaned[:30]!r}… is longer than {MAX_MEMBER_CHARS} characters")
    tokens = list(analyzer.tokens(cleaned, keep_stopwords=True))
    stems = tuple(token.stem for token in tokens if token.stem)
    if not stems:
        raise SynonymError(f"synonym {cleaned!r} has only stop words or symbols: nothing a search could match")
    return Member(cleaned, stems, tuple(token.normalized for token in tokens))


def merged_groups(groups: Groups, new: Sequence[str], analyzer: Analyzer) -> tuple[Groups, list[str]]:
    """``groups`` with the group of ``new`` added: groups sharing a member with it are merged into it.

    Returns the new list of groups and the group ``new`` ended up in. Members
    that analyze alike (أمريكا, امريكا) count once: the first spelling stays.
    """
    members = [member(text, analyzer) for text in new]
    keys = {m.stems for m in members}
    if len(keys) < 2:
        raise SynonymError(
            "a synonym group needs at least two different words or phrases"
            + (f" ({' = '.join(m.text for m in members)} are one word to a search)" if len(members) > 1 else "")
        )
    kept: Groups = []
    joined: list[str] = []
    for group in groups:
        if keys & {member(text, analyzer).stems for text in group}:
            joined += group
        else:
            kept.append(group)
    group = _distinct([*joined, *(m.text for m in members)], analyzer)
    if len(group) > MAX_GROUP_MEMBERS:
        raise SynonymError(f"a synonym group may have at most {MAX_GROUP_MEMBERS} members ({len(group)} given)")
    return [*kept, group], group


def without(
    groups: Groups, texts: Sequence[str], analyzer: Analyzer, *, whole_group: bool = False
) -> tuple[Groups, int]:
    """``groups`` without the members spelled as ``texts`` (or, ``whole_group``, without their groups).

    A group left with a single member is dropped. Returns the new groups and
    how many members were removed; ``SynonymError`` names a text in no group.
    """
    keys = {member(text, analyzer).stems: text for text in texts}
    result: Groups = []
    removed = 0
    found: set[tuple[str, ...]] = set()
    for group in groups:
        stems = [member(text, analyzer).stems for text in group]
        hits = {key for key in stems if key in keys}
        found |= hits
        if whole_group and hits:
            removed += len(group)
            continue
        left = [text for text, key in zip(group, stems, strict=True) if key not in keys]
        removed += len(group) - len(left)
        if len(left) >= 2:
            result.append(left)
        else:
            removed += len(left)
    missing = [text for key, text in keys.items() if key not in found]
    if missing:
        raise SynonymError(f"{missing[0]!r} is in no synonym group")
    return result, removed


def _distinct(texts: Iterable[str], analyzer: Analyzer) -> list[str]:
    seen: set[tuple[str, ...]] = set()
    kept: list[str] = []
    for text in texts:
        key = member(text, analyzer).stems
        if key not in seen:
            seen.add(key)
            kept.append(" ".join(text.split()))
    return kept


class SynonymTable:
    """The groups of an index, analyzed with its analyzer and looked up by index terms."""

    def __init__(self, groups: Groups, analyzer: Analyzer) -> None:
        self.groups: list[tuple[Member, ...]] = []
        self._group_of: dict[tuple[str, ...], int] = {}
        for texts in groups:
            members = tuple(member(text, analyzer) for text in texts)
            for each in members:
                self._group_of.setdefault(each.stems, len(self.groups))
            self.groups.append(members)
        #: the most index terms a member has
        self.longest = max((len(key) for key in self._group_of), default=0)

    def __bool__(self) -> bool:
        return bool(self.groups)

    def group_of(self, stems: Sequence[str]) -> int | None:
        """The group with a member of exactly these terms."""
        return self._group_of.get(tuple(stems))

    def others(self, group: int, stems: Sequence[str] = ()) -> list[Member]:
        """The members of ``group`` but the one spelled ``stems`` (the words typed)."""
        return [each for each in self.groups[group] if each.stems != tuple(stems)]


__all__ = ["Member", "SynonymError", "SynonymTable", "member", "merged_groups", "without"]
