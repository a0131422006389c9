"""The named analysis profiles: chains of steps (``chain``) that an index can be created with.

* ``exact``: normalized words, nothing removed (ranking prefers exact forms).
* ``light`` (default): normalized, stop words out, protected words kept, guarded light stem.
* ``root``: normalized, stop words out, protected words kept, tashaphyne root (recall experiments).

مثال::

    >>> profile_chain("light")
    Tokenize() | Normalize(fold_hamza_carriers=False, fold_teh_marbuta=True) | StopWords() | LightStem()
    >>> [step.name for step in profile_chain("root", protected=["ماكرون"]).steps]
    ['normalize', 'stop_words', 'protect', 'root_stem']
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from .chain import Chain, LightStem, Normalize, Protect, RootStem, Step, StopWords, Tokenize
from .normalize import NormalizationOptions

Profile = Literal["exact", "light", "root"]
PROFILES: tuple[Profile, ...] = ("exact", "light", "root")
DEFAULT_PROFILE: Profile = "light"


def profile_chain(
    profile: Profile = DEFAULT_PROFILE,
    *,
    stopwords: Iterable[str] | None = None,
    normalization: NormalizationOptions = NormalizationOptions(),
    protected: Iterable[str] = (),
) -> Chain:
    """The chain a named profile stands for, with these settings (``ValueError`` for an unknown
    profile). ``stopwords`` None: the shipped list; the ``exact`` profile drops none."""
    if profile not in PROFILES:
        raise ValueError(f"unknown analysis profile {profile!r}; choose one of {', '.join(PROFILES)}")
    settings = {
        "fold_hamza_carriers": normalization.fold_hamza_carriers,
        "fold_teh_marbuta": normalization.fold_teh_marbuta,
    }
    protected = tuple(protected)
    steps: list[Step] = [Tokenize(), Normalize(**settings)]
    if profile == "exact":
        if protected:  # never cut (exact forms are not), but their roots are the words themselves
            steps.append(Protect(protected, **settings, proclitics=False))
    else:
        steps.append(StopWords(stopwords))
        if protected:
            steps.append(Protect(protected, **settings))
        steps.append(LightStem() if profile == "light" else RootStem())
    return Chain(steps, name=profile)
