"""What the commands share: error handling, options, and how results and reports are printed."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
import orjson

from ..derived import topics
from ..derived.topics import ModelInfo
from ..engine.compile import Ranking
from ..errors import ArsearchError
from ..index import DEFAULT_BATCH_SIZE, AddReport, SearchIndex, SearchOptions
from ..query import MATCH_LEVELS
from ..records.articles import check_field_map
from ..records.ingest import FORMATS, IngestError, ReadProgress
from ..search.options import MAX_LIMIT, MAX_PAGE, SORTS, FilterError
from ..search.results import Results

F = TypeVar("F", bound=Callable[..., Any])

#: Values of each facet printed under a search's total (the JSON output has them all).
FACETS_SHOWN = 5
#: Problems listed on the terminal before "... and N more".
MAX_PROBLEMS_SHOWN = 50
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141


def fail(message: str, code: int = 1) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def friendly_errors(command: F) -> F:
    """Turn arsearch's own errors into one line and an exit code."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except BrokenPipeError:
            # the reader went away (arsearch ... | head): stop quietly, like other Unix tools
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(EXIT_BROKEN_PIPE)
        except (ArsearchError, IngestError) as error:
            fail(str(error))
        except OSError as error:
            fail(f"{error.filename or ''}: {error.strerror or error}".lstrip(": "))

    return wrapper  # type: ignore[return-value]


index_option = click.option(
    "--index",
    "index_path",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Index directory [default: $ARSEARCH_INDEX or ./indexes/default].",
)


wait_option = click.option(
    "--wait", type=click.FloatRange(min=0), default=0.0, help="Wait up to SECONDS for another writer."
)


def dumps(data: Any) -> str:
    return orjson.dumps(data, option=orjson.OPT_NON_STR_KEYS).decode()


def parse_field_map(spec: str | None) -> dict[str, str] | None:
    if not spec:
        return None
    mapping = {}
    for pair in spec.split(","):
        ours, sep, theirs = pair.partition("=")
        if not sep or not ours.strip() or not theirs.strip():
            raise click.BadParameter(
                f"expected ours=theirs pairs like title=headline, got {pair!r}", param_hint="--map"
            )
        mapping[ours.strip()] = theirs.strip()
    try:
        check_field_map(mapping)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--map") from None
    return mapping


class Progress:
    """On a terminal, click's progress bar over the input read: percent, ETA, articles and docs/s."""

    def __init__(self, reading: ReadProgress, enabled: bool) -> None:
        self.reading = reading
        self.bar: Any = None
        if enabled:
            # bytes of input; its total is unknown for stdin (no percent or ETA then, but the counts)
            self.bar = click.progressbar(
                length=reading.total,
                label="indexing",
                file=sys.stderr,
                show_eta=reading.total is not None,
                show_percent=reading.total is not None,
                item_show_func=self._describe,
            )
            self.bar.__enter__()

    @staticmethod
    def _describe(report: AddReport | None) -> str | None:
        if report is None:
            return None
        skipped = sum(report.skipped.values())
        counts = f"{report.indexed:,} indexed, {report.unchanged + report.kept:,} already there, {skipped:,} skipped"
        return f"{counts}, {report.docs_per_second:,.0f} docs/s" if report.indexed else counts

    def __call__(self, report: AddReport) -> None:
        if self.bar is not None:
            steps = max(0, self.reading.read - self.bar.pos)
            self.bar.update(steps, current_item=report)
            if not steps:  # all read already (the last commits): click draws only on progress, the counts moved
                self.bar.render_progress()

    def done(self) -> None:
        if self.bar is not None:
            bar, self.bar = self.bar, None
            bar.__exit__(None, None, None)


def summary(report: AddReport) -> str:
    skipped = sum(report.skipped.values())
    reasons = ", ".join(f"{kind}: {count}" for kind, count in report.skipped.most_common())
    topics = f"; topic model fitted ({describe_topics(report.topics)})" if report.topics else ""
    if report.topics_fitting:
        topics = "; topic model being refitted in the background ('arsearch topics --wait' waits for it)"
    kept = f", kept {report.kept:,} that differ (--update replaces them)" if report.kept else ""
    speed = f" ({report.docs_per_second:,.0f} docs/s)" if report.indexed else ""
    return (
        f"added {report.added:,}, updated {report.updated:,}, unchanged {report.unchanged:,}{kept}, "
        f"skipped {skipped:,}{f' ({reasons})' if reasons else ''} in {report.elapsed:.1f} s{speed}{topics}"
    )


def describe_topics(info: ModelInfo | None) -> str:
    if info is None:
        return (
            f"none (imports fit it once the index has {topics.MIN_ARTICLES:,} articles; 'arsearch topics --refit' now)"
        )
    return (
        f"{info.dimensions} dimensions over {info.terms:,} stems, from {info.sample:,} of {info.articles:,} articles, "
        f"{info.fitted}"
    )


problems_option = click.option(
    "--problems",
    "problems_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write every skipped record (location and reason) to this file as JSON lines.",
)


def options_of(*options: Callable[[F], F]) -> Callable[[F], F]:
    """One decorator applying ``options`` in the order listed (as if stacked top to bottom)."""

    def apply(command: F) -> F:
        for option in reversed(options):
            command = option(command)
        return command

    return apply


#: The search command's option for each filter of ``SearchOptions``.
CLI_FILTER_OPTIONS = {"source": "--source", "category": "--category", "date_from": "--from", "date_to": "--to"}

#: --format, --map and --update: how an import reads its records (``index`` and ``cluster build``).
input_options = options_of(
    click.option("--format", "input_format", type=click.Choice(FORMATS), default="auto", show_default=True),
    click.option(
        "--map", "field_map", metavar="OURS=THEIRS,...", help="Rename input keys, e.g. title=headline,text=body."
    ),
    click.option("--update", is_flag=True, help="Replace articles whose id is already indexed (default: keep them)."),
)


def batch_option(help: str) -> Callable[[F], F]:
    """--batch: articles per commit."""
    return click.option(
        "--batch", "batch_size", type=click.IntRange(min=1), default=DEFAULT_BATCH_SIZE, show_default=True, help=help
    )


def report_import(report: AddReport, problems_file: Path | None, quiet: bool) -> None:
    """The skipped records (on stderr, and in ``problems_file``) and the closing summary of an import."""
    for problem in report.problems[:MAX_PROBLEMS_SHOWN]:
        click.echo(f"skipped {problem}", err=True)
    for warning in report.warnings:
        click.echo(f"note: {warning}", err=True)
    if len(report.problems) > MAX_PROBLEMS_SHOWN:
        more = len(report.problems) - MAX_PROBLEMS_SHOWN
        click.echo(f"... and {more:,} more skipped records (see --problems FILE)", err=True)
    if problems_file is not None:
        problems_file.write_bytes(
            b"".join(orjson.dumps({"location": p.location, "reason": p.reason}) + b"\n" for p in report.problems)
        )
    if not quiet:
        click.echo(summary(report))


#: The options of ``arsearch search``, shared by ``arsearch cluster search``.
search_options = options_of(
    click.option("--limit", type=click.IntRange(1, MAX_LIMIT), default=10, show_default=True),
    click.option("--page", type=click.IntRange(1, MAX_PAGE), default=1, show_default=True),
    click.option("--source", multiple=True, help="Only this source (repeat for several)."),
    click.option("--category", multiple=True, help="Only this category (repeat for several)."),
    click.option("--from", "date_from", metavar="DATE", help="Only articles dated on or after DATE (2024-01-31)."),
    click.option("--to", "date_to", metavar="DATE", help="Only articles dated on or before DATE."),
    click.option("--sort", type=click.Choice(SORTS), default="relevance", show_default=True),
    click.option("--all-copies", is_flag=True, help="List every copy of a story (by default copies fold into one)."),
    click.option(
        "--no-variants", is_flag=True, help="Only the spellings typed (by default ترمب also finds ترامب, ranked below)."
    ),
    click.option(
        "--no-rewrite",
        is_flag=True,
        help="Search the query as typed (by default fsl, typed with the keyboard left on English, searches بسم).",
    ),
    click.option(
        "--match",
        type=click.Choice(MATCH_LEVELS),
        help="How closely words must match: word (as typed), stem, lemma (وزير finds وزراء) or root "
        "(درس finds مدرسة). By default all weigh in, closest first.",
    ),
    click.option(
        "--ranking",
        "ranking_settings",
        metavar="NAME=VALUE",
        multiple=True,
        help="A ranking knob (docs/ranking.md), e.g. proximity_boost=0.2 or feedback_boost=0.3; repeat for more.",
    ),
    click.option("--json", "as_json", is_flag=True, help="Print the results as JSON."),
)


def ranking_of(settings: tuple[str, ...]) -> Ranking | None:
    """The ranking ``--ranking NAME=VALUE`` settings make (None: the defaults), or a usage error."""
    try:
        return Ranking.from_settings(settings) if settings else None
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--ranking") from None


def searched(
    index: SearchIndex,
    query: str,
    as_json: bool,
    *,
    limit: int,
    page: int,
    source: tuple[str, ...],
    category: tuple[str, ...],
    date_from: str | None,
    date_to: str | None,
    sort: str,
    all_copies: bool,
    no_variants: bool,
    match: str | None = None,
    no_rewrite: bool = False,
    ranking_settings: tuple[str, ...] = (),
) -> Results:
    """The results of an index's or a cluster's search, with the search command's options."""
    filters = {"source": list(source), "category": list(category), "date_from": date_from, "date_to": date_to}
    emphasize = sys.stdout.isatty() and not as_json
    markers = ("\033[1;33m", "\033[0m") if emphasize else ("", "")
    ranking = ranking_of(ranking_settings)
    try:
        options = SearchOptions(
            limit=limit,
            page=page,
            filters=filters,
            sort=sort,  # type: ignore[arg-type]  # one of SORTS: click checked it
            markers=markers,
            collapse=not all_copies,
            variants=not no_variants,
            match=match,  # type: ignore[arg-type]  # one of MATCH_LEVELS: click checked it
            rewrite=not no_rewrite,
            ranking=ranking,
        )
        return index.search(query, options)
    except FilterError as error:  # a bad filter value, e.g. an unparsable --from date
        raise click.BadParameter(error.reason, param_hint=CLI_FILTER_OPTIONS.get(error.key, error.key)) from None


def show_results(results: Results, as_json: bool) -> None:
    if as_json:
        click.echo(dumps(results.as_dict()))
        return
    for warning in results.warnings:
        click.echo(f"note: {warning}", err=True)
    if results.rewrite is not None:
        click.echo(
            f"results for {results.rewrite.searched} — search instead for {results.rewrite.typed} (--no-rewrite)"
        )
    if results.message:
        click.echo(results.message)
    if results.suggestion:
        click.echo(f"did you mean: {results.suggestion}")
    click.echo(f"{counted(results.total, 'result')} ({results.took_ms:.1f} ms)")
    for name, values in results.facets.items():
        if values:
            shown = ", ".join(f"{value} ({count:,})" for value, count in list(values.items())[:FACETS_SHOWN])
            more = f", and {len(values) - FACETS_SHOWN:,} more" if len(values) > FACETS_SHOWN else ""
            click.echo(f"by {name}: {shown}{more}")
    for rank, hit in enumerate(results.hits, (results.page - 1) * results.limit + 1):
        meta = " · ".join(x for x in (hit.date.date().isoformat() if hit.date else None, hit.source) if x)
        title = hit.title_highlighted.text if hit.title_highlighted else hit.title
        click.echo(f"\n{rank}. {title or hit.id}  [{hit.id}]")
        if meta:
            click.echo(f"   {meta}")
        for snippet in hit.snippets[:2]:
            click.echo(f"   {' '.join(snippet.text.split())}")
        if hit.copies:
            outlets = dict.fromkeys(copy.source or copy.id for copy in hit.copies)
            click.echo(f"   also in: {', '.join(outlets)}")


def echo_table(rows: list[tuple[str, ...]]) -> None:
    """Rows of cells in left-aligned columns, two spaces apart."""
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    for row in rows:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())


def counted(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def cluster_module() -> Any:
    """``arsearch.cluster``, loaded when a cluster command runs (Ray is an extra)."""
    try:
        import arsearch.cluster as cluster
    except ImportError as error:
        fail(f"the cluster commands need Ray ({error}): pip install 'arsearch[cluster]'")
    return cluster
