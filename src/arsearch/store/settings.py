"""An index's settings file, ``arsearch.json``: what it holds, how it is read, checked and written.

The file records the format, the schema version, the engine, the analysis
settings (profile, stop words, normalization, protected words), the synonym
groups and the times of creation and of the last commit, so that
``Store.open`` needs nothing but the path.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import orjson

from ..analysis import Analyzer, Chain, NormalizationOptions, Profile, default_stopwords
from ..engine import get_engine
from ..engine.base import EngineKind, EngineUnreadable
from ..engine.schema import SCHEMA_VERSION
from ..errors import ArsearchError, IndexCorruptError, IndexNotFoundError, IndexVersionError, IndexWriteError
from ..records.files import write_atomically
from ..version import __version__

SETTINGS_FILE = "arsearch.json"
FORMAT_NAME = "arsearch-index"
#: The profile an index created with a chain of the user's own records.
CUSTOM_PROFILE = "custom"
#: What to do about a damaged index (maintenance.py).
REPAIR_HINT = "run 'arsearch repair --index {}' to keep what still reads, or rebuild the index"


def now() -> str:
    """The time settings record (UTC, to the second)."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def new_settings(
    kind: EngineKind,
    profile: Profile,
    stopwords: frozenset[str] | None,
    normalization: NormalizationOptions,
    protected: list[str],
    chain: Chain | None = None,
) -> dict[str, Any]:
    """The settings of a new, empty index (``chain``: a chain of the user's own, instead of a profile's)."""
    created = now()
    custom_stopwords = stopwords is not None and stopwords != default_stopwords()
    analysis: dict[str, Any] = {
        "profile": profile,
        "stopwords": "custom" if custom_stopwords else "default",
        "stopword_list": sorted(stopwords) if custom_stopwords and stopwords is not None else None,
        "fold_hamza_carriers": normalization.fold_hamza_carriers,
        "fold_teh_marbuta": normalization.fold_teh_marbuta,
        "protected": protected,
    }
    if chain is not None:
        analysis = {"profile": CUSTOM_PROFILE, "chain": chain.spec(), "protected": protected}
    return {
        "format": FORMAT_NAME,
        "schema_version": SCHEMA_VERSION,
        "library_version": __version__,
        "engine": kind.name,
        "analysis": analysis,
        "created": created,
        "updated": created,
    }


def analysis_options(analysis: Mapping[str, Any]) -> dict[str, Any]:
    """``profile``, ``stopwords``, ``normalization`` and ``protected`` (or ``chain``, for a chain of
    the user's own) from the settings an index stores; the keywords of both ``Analyzer`` and
    ``Index.create``. ``IndexCorruptError`` when a step of the chain cannot be rebuilt here."""
    if "chain" in analysis:
        try:
            return {"chain": Chain.from_spec(analysis["chain"])}
        except (ValueError, TypeError, AttributeError) as error:
            raise IndexCorruptError(
                f"the index's analysis chain cannot be rebuilt ({error}): install what defines its steps, "
                "or put its module on PYTHONPATH"
            ) from None
    stopwords = analysis.get("stopword_list")
    return {
        "profile": analysis["profile"],
        "stopwords": None if stopwords is None else frozenset(stopwords),
        "normalization": NormalizationOptions(
            fold_hamza_carriers=analysis.get("fold_hamza_carriers", False),
            fold_teh_marbuta=analysis.get("fold_teh_marbuta", True),
        ),
        "protected": tuple(analysis.get("protected", ())),
    }


def protected_words(words: Iterable[str]) -> list[str]:
    """Words to protect from stemming, checked (one word each), deduplicated, sorted."""
    kept: set[str] = set()
    for word in words:
        cleaned = str(word).strip()
        if not cleaned:
            continue
        if len(cleaned.split()) != 1 or len(list(Analyzer("exact").tokens(cleaned))) != 1:
            raise ValueError(f"protected words are single words; {cleaned!r} is not one word")
        kept.add(cleaned)
    return sorted(kept)


def read_settings(directory: Path) -> dict[str, Any]:
    """An index's ``arsearch.json``, checked to be of this arsearch's schema."""
    settings_path = directory / SETTINGS_FILE
    if not directory.is_dir():
        raise IndexNotFoundError(f"no index at {directory} (create one with 'arsearch index FILE --index {directory}')")
    if not settings_path.exists():
        raise IndexNotFoundError(f"{directory} is not an arsearch index (no {SETTINGS_FILE})")
    try:
        settings = orjson.loads(settings_path.read_bytes())
    except orjson.JSONDecodeError:
        raise IndexCorruptError(f"{settings_path} is damaged (not JSON); rebuild the index") from None
    version = settings.get("schema_version") if isinstance(settings, dict) else None
    if not isinstance(settings, dict) or settings.get("format") != FORMAT_NAME or not isinstance(version, int):
        raise IndexCorruptError(f"{settings_path} does not describe an arsearch index")
    if version > SCHEMA_VERSION:
        raise IndexVersionError(
            f"{directory} was written by a newer arsearch (schema {version}, library "
            f"{settings.get('library_version')}); this is arsearch {__version__} (schema {SCHEMA_VERSION}): "
            "upgrade arsearch to read it"
        )
    if version < SCHEMA_VERSION:
        raise IndexVersionError(
            f"{directory} uses index schema {version}, this arsearch needs {SCHEMA_VERSION}: "
            f"run 'arsearch repair --index {directory}' to rebuild it from its stored articles"
        )
    return settings


def write_settings(directory: Path, settings: Mapping[str, Any]) -> None:
    """Replace ``arsearch.json`` atomically (readers see the old file or the new one, whole)."""
    write_json_atomically(directory / SETTINGS_FILE, settings)


def write_json_atomically(path: Path, data: Mapping[str, Any]) -> None:
    write_atomically(path, orjson.dumps(data, option=orjson.OPT_INDENT_2))


def engine_kind(settings: Mapping[str, Any]) -> EngineKind:
    """The engine an index was created with (indexes before engines were named are tantivy's)."""
    try:
        return get_engine(settings.get("engine", "tantivy"))  # indexes from before engines had names
    except ValueError as error:
        raise IndexCorruptError(f"{error} (in {SETTINGS_FILE})") from None


def read_failure(directory: Path, error: EngineUnreadable) -> ArsearchError:
    """The error to raise when the engine cannot open or reload an index."""
    if error.needs_write:
        return IndexWriteError(
            f"{directory} is not writable ({error.detail}): the engine needs to write a lock "
            "file even to read; make it writable or copy the index somewhere writable"
        )
    return IndexCorruptError(f"{directory} cannot be read ({error.detail}); {REPAIR_HINT.format(directory)}")


def is_read_only(directory: Path) -> bool:
    """Whether this process cannot write ``directory`` (read-only storage, or no permission)."""
    return not os.access(directory, os.W_OK)


def read_only_error(directory: Path) -> IndexWriteError:
    return IndexWriteError(
        f"{directory} is on read-only storage (or not writable by this user): it can be searched, "
        "not changed; copy it to writable storage to add, update, delete or repair"
    )
