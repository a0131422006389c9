"""Topic vectors (latent semantic analysis), so related articles can share a subject without sharing words.

Word overlap alone misses articles that tell the same kind of story in other
words: a match report naming other teams, an economy piece about other
prices. A truncated SVD of the index's tf-idf matrix (articles × stems) maps
every article to ``DIMENSIONS`` topic weights; stems used in the same
contexts point the same way, so two articles about football score as close
even when they share few words. ``related`` draws its candidates with the
key-term query and ranks them on topic similarity and query score together.

The model is derived data: ``topics.npz`` beside the engine's files, fitted on
the index's own articles (at most ``FIT_SAMPLE``, chosen by id hash),
written atomically, refitted when the index has grown ``REFIT_GROWTH``
times since. Every article's stem counts are stored with it, so fitting
analyzes no text and a candidate's vector takes microseconds. Without a
model (fewer than ``MIN_ARTICLES`` articles, or the file lost) related
articles rank on key terms alone; nothing else depends on it.

مثال::

    >>> model = index.topics.model()                            # doctest: +SKIP
    >>> a = model.vector(term_frequencies(index.analyzer, "فوز الهلال", {"مباراه": 2}))  # doctest: +SKIP
    >>> float(a @ model.vector({"دوري": 1, "لاعب": 3}))          # cosine of two unit vectors  # doctest: +SKIP
"""

from __future__ import annotations

import heapq
import io
import math
import time
import warnings
import zipfile
import zlib
from array import array
from collections.abc import Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from ..analysis import Analyzer
from ..engine.base import IndexedDocument, Snapshot, StoredDocument
from ..engine.schema import MAX_TERM_CHARS, address_of, stored_article, stored_stem_counts, unpack_stem_counts
from ..records.articles import searchable_part
from ..records.files import write_atomically

if TYPE_CHECKING:  # numpy is imported where a model is read, used or fitted: not by an import's start (~60 ms)
    import numpy as np

MODEL_FILE = "topics.npz"
MODEL_FORMAT = 1
#: Topic dimensions kept (fewer when the articles or the vocabulary are too few).
DIMENSIONS = 100
#: Articles the model is fitted on, at most: a fixed-seed sample of larger
#: indexes (more adds little to the topics and costs fitting time).
FIT_SAMPLE = 12_000
#: Below this many articles there is too little to learn topics from.
MIN_ARTICLES = 200
#: Refit once the index holds this many times the articles the model saw.
REFIT_GROWTH = 2.0
#: A title word counts as this many occurrences in the text (key terms and topics).
TITLE_WEIGHT = 2.0
#: Stems in fewer sampled articles than this are noise to the model...
MIN_DOC_FREQ = 2
#: ...and stems in more than this share carry no topic.
MAX_DOC_SHARE = 0.5
SEED = 20261125

Frequencies = Mapping[str, float]


def term_frequencies(analyzer: Analyzer, title: str, text_counts: Mapping[str, int]) -> dict[str, float]:
    """An article as a bag of stems: the text's counts plus ``TITLE_WEIGHT`` per title word."""
    return stem_bag(analyzer.terms(searchable_part(title)), text_counts)


def stem_bag(title_terms: Iterable[str], text_counts: Mapping[str, int]) -> dict[str, float]:
    """``term_frequencies`` of a title already analyzed into its stems."""
    frequencies: dict[str, float] = dict(text_counts)
    for term in title_terms:
        frequencies[term] = frequencies.get(term, 0.0) + TITLE_WEIGHT
    return frequencies


def document_frequencies(analyzer: Analyzer, document: StoredDocument, title: str | None = None) -> dict[str, float]:
    """``term_frequencies`` of a stored document (its title analyzed, its text's counts read);
    pass ``title`` when the stored article is already at hand."""
    if title is None:
        title = stored_article(document).title
    return term_frequencies(analyzer, title, stored_stem_counts(document))


@dataclass(frozen=True)
class ModelInfo:
    """What a topic model was fitted on, and when."""

    articles: int  # articles in the index at fitting time (refits are judged against it)
    sample: int  # articles the model was actually fitted on
    terms: int
    dimensions: int
    fitted: str  # ISO time
    seconds: float

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


class TopicModel:
    """Stems → topic space: a unit vector per article, compared by dot product (cosine)."""

    def __init__(self, terms: list[str], idf: np.ndarray, basis: np.ndarray, info: ModelInfo) -> None:
        if not (len(terms) == idf.shape[0] == basis.shape[0]) or basis.ndim != 2:
            raise ValueError("inconsistent topic model arrays")
        self.terms = terms
        self.positions = {term: position for position, term in enumerate(terms)}
        self.idf = idf
        self.basis = basis
        self.info = info
        #: each stem's contexts, as fitted (not saved): the mean topic vector of the sampled articles
        #: it is in, its own part taken out, less that of all articles. Two spellings of one name are
        #: used among the same words even when no article has both (``variants``).
        self.contexts: np.ndarray | None = None

    def vector(self, frequencies: Frequencies) -> np.ndarray | None:
        """The unit topic vector of a bag of stems (None when no stem is known to the model)."""
        import numpy as np

        positions, weights = [], []
        for term, frequency in frequencies.items():
            position = self.positions.get(term)
            if position is not None and frequency > 0:
                positions.append(position)
                weights.append(1.0 + math.log(frequency))
        if not positions:
            return None
        rows = np.asarray(positions)
        combined = (np.asarray(weights, dtype=np.float32) * self.idf[rows]) @ self.basis[rows]
        norm = float(np.linalg.norm(combined))
        return combined / norm if norm > 0 else None

    def save(self, path: Path) -> None:
        """Write the model to ``path`` atomically (a reader sees the old file or the new one)."""
        import numpy as np

        buffer = io.BytesIO()
        np.savez(
            buffer,
            meta=np.frombuffer(orjson.dumps({"format": MODEL_FORMAT, **self.info.as_dict()}), dtype=np.uint8),
            terms=np.frombuffer("\n".join(self.terms).encode(), dtype=np.uint8),
            idf=self.idf,
            basis=self.basis.astype(np.float16),  # half the file; cosines move by < 0.001
        )
        write_atomically(path, buffer.getvalue())

    @classmethod
    def load(cls, path: Path) -> TopicModel:
        """Read a model written by ``save``; ``ValueError`` saying why when it cannot be."""
        import numpy as np

        try:
            with np.load(path, allow_pickle=False) as stored:
                meta = orjson.loads(stored["meta"].tobytes())
                if meta.pop("format", None) != MODEL_FORMAT:
                    raise ValueError(f"not a topic model of format {MODEL_FORMAT}")
                raw_terms = stored["terms"].tobytes().decode()
                terms = raw_terms.split("\n") if raw_terms else []
                idf, basis = stored["idf"].astype(np.float32), stored["basis"].astype(np.float32)
                return cls(terms, idf, basis, ModelInfo(**meta))
        except (OSError, EOFError, KeyError, TypeError, ValueError, zipfile.BadZipFile) as error:
            raise ValueError(str(error) or type(error).__name__) from None


def read_model(path: Path) -> TopicModel | None:
    """The model saved at ``path``; None when there is none, or with a warning when it cannot be read
    (derived data: related articles rank on key terms until the next import refits it)."""
    if not path.exists():
        return None
    try:
        return TopicModel.load(path)
    except ValueError as error:
        warnings.warn(f"{path} cannot be read ({error}); ignored", stacklevel=3)
        return None


def fit(bags: Iterable[Frequencies], articles: int) -> TopicModel | None:
    """Fit a model on bags of stems (sublinear tf-idf, rows normalized, truncated SVD).

    The bags are read once, as they come, into flat arrays (a few bytes per
    article and stem). None when they hold too little vocabulary for even
    two dimensions.
    """
    # numpy and scipy only here: an import, which leaves the fit to a background process, loads neither
    import numpy as np
    from scipy.sparse import csr_matrix
    from scipy.sparse.linalg import svds

    started = time.perf_counter()
    seen: dict[str, int] = {}  # every stem met, numbered as met (columns are sorted later)
    stem_numbers: array[int] = array("q")
    counts: array[float] = array("d")
    lengths: array[int] = array("q")
    for bag in bags:
        for term in set(bag).difference(seen):  # only the bag's new stems cost Python code
            seen[term] = len(seen)
        stem_numbers.extend(map(seen.__getitem__, bag))
        counts.extend(bag.values())
        lengths.append(len(bag))
    sample = len(lengths)
    numbers = np.frombuffer(stem_numbers, dtype=np.int64) if stem_numbers else np.zeros(0, dtype=np.int64)
    document_counts = np.bincount(numbers, minlength=len(seen))
    useful = (document_counts >= MIN_DOC_FREQ) & (document_counts <= MAX_DOC_SHARE * sample)
    # the model's stems in alphabetical order (a stable file), and each met stem's column (-1: left out)
    met = list(seen)
    terms = sorted(met[number] for number in np.flatnonzero(useful))
    column_of = np.full(len(seen), -1, dtype=np.int64)
    for column, term in enumerate(terms):
        column_of[seen[term]] = column
    dimensions = min(DIMENSIONS, len(terms) - 1, sample - 1)
    if dimensions < 2:
        return None
    in_model = np.array([seen[term] for term in terms], dtype=np.int64)
    idf = np.log((1 + sample) / (1 + document_counts[in_model].astype(np.float64))) + 1
    rows = np.repeat(np.arange(sample), np.frombuffer(lengths, dtype=np.int64))
    columns = column_of[numbers]
    frequencies = np.frombuffer(counts, dtype=np.float64)
    kept = (columns >= 0) & (frequencies > 0)
    rows, columns = rows[kept], columns[kept]
    values = (1.0 + np.log(frequencies[kept])) * idf[columns]
    norms = np.sqrt(np.bincount(rows, weights=values * values, minlength=sample))
    values /= np.where(norms > 0, norms, 1.0)[rows]
    matrix = csr_matrix((values.astype(np.float32), (rows, columns)), shape=(sample, len(terms)))
    # ARPACK, started from a seeded vector: the same articles always give the same model
    _, strengths, right = svds(matrix, k=dimensions, random_state=np.random.default_rng(SEED))
    right = right[np.argsort(-strengths)]  # strongest topic first (ARPACK gives them weakest first)
    basis = np.ascontiguousarray(right.T, dtype=np.float32)
    # each stem's contexts: the mean topic vector of the sampled articles it is in, its own part
    # taken out (its weight in the article times its own row), less the mean of every article
    articles_topics = matrix @ basis
    present = matrix.copy()
    present.data[:] = 1.0
    own_weight = np.asarray(matrix.sum(axis=0)).ravel()[:, None]
    in_articles = np.maximum(np.asarray(present.sum(axis=0)).ravel()[:, None], 1.0)
    contexts = (np.asarray(present.T @ articles_topics) - own_weight * basis) / in_articles
    contexts -= articles_topics.mean(axis=0)
    info = ModelInfo(
        articles=articles,
        sample=sample,
        terms=len(terms),
        dimensions=dimensions,
        fitted=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        seconds=round(time.perf_counter() - started, 3),
    )
    model = TopicModel(terms, idf.astype(np.float32), basis, info)
    model.contexts = contexts
    return model


def sample_bags(
    snapshot: Snapshot, analyzer: Analyzer, chosen: set[str] | None = None, written: WrittenBags | None = None
) -> Iterator[dict[str, float]]:
    """The stem bags of the snapshot's articles, one by one, in the order of their id hashes: all of
    them, or the ``FIT_SAMPLE`` whose ids hash lowest (the same articles however the engine happens
    to lay them out).

    ``chosen``: the ids to take instead (a sharded index chooses its sample over all shards).
    ``written``: bags an import kept as it wrote them, used when they are of this very commit
    (``WrittenBags.generation``); the others are read from the index.
    """
    if written is not None and written.generation != snapshot.generation:
        written = None  # another writer committed since: what the import kept may be stale
    if chosen is not None:
        keys = sorted((_hash(article_id), article_id) for article_id in chosen)
    elif written is not None and written.whole_index:
        keys = written.lowest()  # the index is the import's articles: no need to list its ids
    else:
        keys = sample_keys(snapshot.ids())
    for _, article_id in keys:
        bag = written.bag(article_id) if written is not None else None
        if bag is None:
            address = address_of(snapshot, article_id)
            if address is None:
                continue  # a chosen id the snapshot lacks (a sharded index's id, moved meanwhile)
            bag = document_frequencies(analyzer, snapshot.stored(address))
        yield bag


class WrittenBags:
    """What the topic model needs of an import's articles, kept as they are written: the stored
    text counts and the title's stems of the ``size`` whose ids hash lowest (no other article
    can be in the fitting sample). A refit right after the import then reads back, and analyzes,
    none of them; about 2 kB per kept article.

    مثال::

        >>> kept = WrittenBags()
        >>> kept.add(document)                      # doctest: +SKIP
        >>> kept.generation = snapshot.generation   # doctest: +SKIP
    """

    def __init__(self, size: int = FIT_SAMPLE) -> None:
        self.size = size
        #: the commit the kept bags describe (set by the writer after its last commit)
        self.generation: Hashable | None = None
        #: whether that commit holds only the import's articles (the index was empty before it)
        self.whole_index = False
        #: (id hash, id) of each kept article, lowest hashes first once pruned: its title stems
        #: and stored text counts, or None when its bag is to be read back at fitting
        self._kept: dict[tuple[int, str], tuple[list[str], bytes] | None] = {}

    def add(self, document: IndexedDocument) -> None:
        """Keep a written document's bag (a later write of the same id replaces it)."""
        title = document.analyzed.get("title", "")
        title_terms = title.split(" ") if title else []
        key = (_hash(document.id), document.id)
        # a title stem at the field's limit may have been cut there: that bag is read back at fitting
        cut = any(len(term) >= MAX_TERM_CHARS for term in title_terms)
        self._kept[key] = None if cut else (title_terms, document.stored["stems"])
        if len(self._kept) >= 2 * self.size:  # drop the half that cannot be in the sample any more
            self._kept = {key: self._kept[key] for key in self.lowest()}

    def lowest(self) -> list[tuple[int, str]]:
        """The ``size`` lowest (hash, id) of the written articles, lowest first (``sample_keys``)."""
        return heapq.nsmallest(self.size, self._kept)

    def bag(self, article_id: str) -> dict[str, float] | None:
        """``document_frequencies`` of a kept article; None when it was not kept."""
        kept = self._kept.get((_hash(article_id), article_id))
        if kept is None:
            return None
        title_terms, stems = kept
        return stem_bag(title_terms, unpack_stem_counts(stems))


def sample_keys(ids: Iterable[str], size: int = FIT_SAMPLE) -> list[tuple[int, str]]:
    """The ``size`` ids the model is fitted on when there are more, as (hash, id), lowest first:
    merging the lists of several shards and keeping the lowest gives the sample of them all."""
    return heapq.nsmallest(size, ((_hash(article_id), article_id) for article_id in ids))


def _hash(article_id: str) -> int:
    return zlib.crc32(article_id.encode("utf-8", "surrogatepass"))


def needs_fitting(fitted: ModelInfo | None, articles: int) -> bool:
    """Whether an index of this many articles should (re)fit its model (``fitted``: the model's info)."""
    if fitted is None:
        return articles >= MIN_ARTICLES
    return articles >= REFIT_GROWTH * fitted.articles


def fit_index(
    snapshot: Snapshot, analyzer: Analyzer, directory: Path, written: WrittenBags | None = None
) -> TopicModel | None:
    """Fit an index's model on one commit and save it in the index ``directory``
    (None: too little to fit on); ``written``: bags an import kept (``sample_bags``)."""
    model = fit(sample_bags(snapshot, analyzer, written=written), snapshot.doc_count)
    if model is not None:
        model.save(directory / MODEL_FILE)
    return model


def cosines(model: TopicModel, own: np.ndarray, bags: Iterable[Frequencies]) -> list[float]:
    """Topic similarity of each bag to a unit vector, from 0 (unrelated, opposed, or a bag the
    model knows nothing of) to 1."""
    similarities = []
    for bag in bags:
        vector = model.vector(bag)
        similarities.append(min(1.0, max(0.0, float(own @ vector))) if vector is not None else 0.0)
    return similarities
