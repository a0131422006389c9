"""The one place that adapts arsearch's analysis to Whoosh.

``ArabicTokenizer`` is a Whoosh tokenizer (composable with Whoosh filters via
``|``) that runs a whole arsearch profile. It pickles as its settings only
(profile, stop words, normalization switches), so an index's schema carries
the analysis with it and ``Index.open`` never has to be told again.

مثال::

    >>> from whoosh.fields import TEXT
    >>> field = TEXT(analyzer=ArabicTokenizer("light"), phrase=True)
    >>> [t.text for t in ArabicTokenizer("light")("زيارة الوزير للمملكة")]
    ['زيار', 'وزير', 'مملك']
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from whoosh.analysis import Token, Tokenizer

from ..analysis import DEFAULT_PROFILE, Analyzer, NormalizationOptions, Profile, default_stopwords


class ArabicTokenizer(Tokenizer):  # type: ignore[misc]
    """Whoosh tokenizer running an arsearch analysis profile, offsets into the original text."""

    def __init__(
        self,
        profile: Profile = DEFAULT_PROFILE,
        *,
        stopwords: frozenset[str] | None = None,
        normalization: NormalizationOptions = NormalizationOptions(),
    ) -> None:
        self.profile = profile
        # Custom stop lists are stored in the schema; the default one is not,
        # so an index follows the library's list as shipped.
        self.stopwords = None if stopwords == default_stopwords() else stopwords
        self.normalization = normalization
        self._analyzer = Analyzer(profile, stopwords=stopwords, normalization=normalization)

    def __getstate__(self) -> dict[str, Any]:
        return {"profile": self.profile, "stopwords": self.stopwords, "normalization": self.normalization}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["profile"], stopwords=state["stopwords"], normalization=state["normalization"])  # type: ignore[misc]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ArabicTokenizer) and self.__getstate__() == other.__getstate__()

    def __hash__(self) -> int:
        return hash((self.profile, self.stopwords, self.normalization))

    @property
    def analyzer(self) -> Analyzer:
        return self._analyzer

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not (chars or keeporiginal):  # the common indexing case: no offsets to compute
            for term, position in self._analyzer.term_positions(value):
                token.text = term
                token.boost = 1.0
                token.stopped = False
                token.pos = start_pos + position
                yield token
            return
        for term, position, start, end in self._analyzer.term_stream(value):
            token.text = term
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = value[start:end]
            if positions:
                token.pos = start_pos + position
            if chars:
                token.startchar = start_char + start
                token.endchar = start_char + end
            yield token
