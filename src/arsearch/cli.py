"""The ``arsearch`` command: thin click wrappers over the public API.

Every failure ends with one readable line on stderr and a non-zero exit code;
tracebacks are for bugs only.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
import orjson

from . import topics
from .analysis import PROFILES, Token, analyze
from .engine import ENGINES
from .errors import ArsearchError
from .index import (
    DEFAULT_BATCH_SIZE,
    INDEX_ENV_VAR,
    TOPIC_FITTING,
    AddReport,
    Index,
    TopicFitting,
    default_index_path,
    protected_words,
)
from .ingest import FORMATS, IngestError, ReadProgress, read_records
from .maintenance import check_index, repair_index
from .related import RelatedArticle
from .search import MAX_LIMIT, MAX_PAGE, SORTS, Results
from .topics import ModelInfo
from .version import __version__

F = TypeVar("F", bound=Callable[..., Any])
#: Problems listed on the terminal before "... and N more".
MAX_PROBLEMS_SHOWN = 50
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141


def _fail(message: str, code: int = 1) -> None:
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
            _fail(str(error))
        except OSError as error:
            _fail(f"{error.filename or ''}: {error.strerror or error}".lstrip(": "))

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


def _dumps(data: Any) -> str:
    return orjson.dumps(data, option=orjson.OPT_NON_STR_KEYS).decode()


def _token_record(token: Token) -> dict[str, object]:
    return {
        "surface": token.surface,
        "normalized": token.normalized,
        "stem": token.stem,
        "stopword": token.stem is None,
        "start": token.start,
        "end": token.end,
        "position": token.position,
    }


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="arsearch")
def main() -> None:
    """Full-text search for Arabic: analyze, index and search articles."""


@main.command("analyze")
@click.argument("text")
@click.option(
    "--profile", type=click.Choice(PROFILES), default="light", show_default=True, help="Analysis profile to apply."
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array of tokens instead of a table.")
def analyze_command(text: str, profile: str, as_json: bool) -> None:
    """Show how TEXT is analyzed: surface, normalized form, stem, offsets.

    TEXT "-" reads the text from standard input. Stop words are listed with
    the stem "(stop)": they are not indexed by the light and root profiles.
    """
    if text == "-":
        text = sys.stdin.read()
    tokens = analyze(text, profile, keep_stopwords=True)  # type: ignore[arg-type]
    if as_json:
        click.echo(orjson.dumps([_token_record(t) for t in tokens]).decode())
        return
    if not tokens:
        click.echo("(no tokens)")
        return
    rows = [("surface", "normalized", "stem", "start", "end")]
    rows += [(t.surface, t.normalized, t.stem or "(stop)", str(t.start), str(t.end)) for t in tokens]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())


def _parse_field_map(spec: str | None) -> dict[str, str] | None:
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
    return mapping


class _Progress:
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
        counts = f"{report.indexed:,} indexed, {report.unchanged:,} unchanged, {skipped:,} skipped"
        return f"{counts}, {report.docs_per_second:,.0f} docs/s"

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


def _summary(report: AddReport) -> str:
    skipped = sum(report.skipped.values())
    reasons = ", ".join(f"{kind}: {count}" for kind, count in report.skipped.most_common())
    topics = f"; topic model fitted ({_describe_topics(report.topics)})" if report.topics else ""
    if report.topics_fitting:
        topics = "; topic model being refitted in the background ('arsearch topics --wait' waits for it)"
    return (
        f"added {report.added:,}, updated {report.updated:,}, unchanged {report.unchanged:,}, "
        f"skipped {skipped:,}{f' ({reasons})' if reasons else ''} "
        f"in {report.elapsed:.1f} s ({report.docs_per_second:,.0f} docs/s){topics}"
    )


def _describe_topics(info: ModelInfo | None) -> str:
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


def _options(*options: Callable[[F], F]) -> Callable[[F], F]:
    """One decorator applying ``options`` in the order listed (as if stacked top to bottom)."""

    def apply(command: F) -> F:
        for option in reversed(options):
            command = option(command)
        return command

    return apply


#: --format, --map and --update: how an import reads its records (``index`` and ``cluster build``).
input_options = _options(
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


@main.command("index")
@click.argument("paths", nargs=-1, required=True)
@index_option
@input_options
@batch_option("Commit every N articles (a crash loses at most the articles since the last commit).")
@click.option("--strict", is_flag=True, help="Stop at the first bad record (exit code 1).")
@wait_option
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Processes analyzing articles [default: every core]; small imports stay in one.",
)
@click.option(
    "--profile",
    type=click.Choice(PROFILES),
    default="light",
    show_default=True,
    help="Analysis profile, for a new index only.",
)
@click.option(
    "--protect",
    "protected",
    metavar="WORD",
    multiple=True,
    help="A word never stemmed (a name the stemmer would cut), for a new index only; repeat for more.",
)
@click.option(
    "--engine",
    type=click.Choice(ENGINES),
    default=None,
    help="Search engine, for a new index only: tantivy (fast) or whoosh (pure Python) "
    "[default: $ARSEARCH_ENGINE, else tantivy where it can be imported].",
)
@click.option(
    "--fit-topics",
    type=click.Choice(TOPIC_FITTING),
    default="background",
    show_default=True,
    help="When a topic model refit is due (the index doubled): in a background process once the articles "
    "are committed, now (before the command returns), or off.",
)
@click.option("--quiet", is_flag=True, help="No progress line, no summary; problems still go to stderr.")
@problems_option
@friendly_errors
def index_command(
    paths: tuple[str, ...],
    index_path: Path | None,
    input_format: str,
    field_map: str | None,
    update: bool,
    batch_size: int,
    strict: bool,
    wait: float,
    jobs: int | None,
    profile: str,
    protected: tuple[str, ...],
    engine: str | None,
    fit_topics: TopicFitting,
    quiet: bool,
    problems_file: Path | None,
) -> None:
    """Index articles from PATHS (.jsonl, .jsonl.gz, .json, .csv; - for stdin).

    Bad records are skipped and reported with file:line and the reason.
    Re-running the same command after an interruption finishes the job
    without duplicates.
    """
    mapping = _parse_field_map(field_map)
    path = index_path or default_index_path()
    reading = ReadProgress(paths)
    try:
        protect = protected_words(protected)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--protect") from None
    with Index.open_or_create(path, profile=profile, protected=protect, engine=engine) as index:
        if engine is not None and index.store.kind.name != engine:
            _fail(f"{path} uses the {index.store.kind.name} engine, not {engine}: index into a new directory")
        if protect and index.protected_words != protect:
            _fail(
                f"{path} was created with protected words {index.protected_words or 'none'}: "
                "they are set when an index is created (index into a new directory to change them)"
            )
        records = read_records(paths, input_format, progress=reading)  # type: ignore[arg-type]
        progress = _Progress(reading, enabled=not quiet and sys.stderr.isatty())
        try:
            report = index.add(
                records,
                update=update,
                batch_size=batch_size,
                strict=strict,
                field_map=mapping,
                wait=wait,
                progress=progress,
                jobs=jobs,
                fit_topics=fit_topics,
            )
        except KeyboardInterrupt:
            progress.done()
            _fail(f"interrupted; {len(index):,} articles are committed in {path}; re-run to finish", EXIT_INTERRUPTED)
            return
        finally:
            progress.done()
    _report_import(report, problems_file, quiet)


def _report_import(report: AddReport, problems_file: Path | None, quiet: bool) -> None:
    """The skipped records (on stderr, and in ``problems_file``) and the closing summary of an import."""
    for problem in report.problems[:MAX_PROBLEMS_SHOWN]:
        click.echo(f"skipped {problem}", err=True)
    if len(report.problems) > MAX_PROBLEMS_SHOWN:
        more = len(report.problems) - MAX_PROBLEMS_SHOWN
        click.echo(f"... and {more:,} more skipped records (see --problems FILE)", err=True)
    if problems_file is not None:
        problems_file.write_bytes(
            b"".join(orjson.dumps({"location": p.location, "reason": p.reason}) + b"\n" for p in report.problems)
        )
    if not quiet:
        click.echo(_summary(report))


@main.command("info")
@index_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@friendly_errors
def info_command(index_path: Path | None, as_json: bool) -> None:
    """Show an index's size, document count and settings."""
    with Index.open(index_path or default_index_path()) as index:
        facts = index.info()
    info = facts.as_dict()
    if as_json:
        click.echo(_dumps(info))
        return
    info["topics"] = _describe_topics(facts.topics)
    if facts.topics_fitting:
        info["topics"] = f"being refitted in the background; until then: {info['topics']}"
    width = max(len(key) for key in info)
    for key, value in info.items():
        click.echo(f"{key.replace('_', ' ').ljust(width)}  {value}")


#: The options of ``arsearch search``, shared by ``arsearch cluster search``.
search_options = _options(
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
    click.option("--json", "as_json", is_flag=True, help="Print the results as JSON."),
)


@main.command("search")
@click.argument("query")
@index_option
@search_options
@friendly_errors
def search_command(query: str, index_path: Path | None, as_json: bool, **options: Any) -> None:
    """Search the index for QUERY (see docs/search.md for the query language)."""
    with Index.open(index_path or default_index_path()) as index:
        results = _searched(index.search, query, as_json, **options)
    _show_results(results, as_json)


def _searched(
    search: Callable[..., Results],
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
) -> Results:
    """``search`` (an index's or a cluster's) called with the search command's options."""
    filters = {"source": list(source), "category": list(category), "date_from": date_from, "date_to": date_to}
    emphasize = sys.stdout.isatty() and not as_json
    markers = ("\033[1;33m", "\033[0m") if emphasize else ("", "")
    try:
        return search(
            query,
            limit=limit,
            page=page,
            filters=filters,
            sort=sort,
            markers=markers,
            collapse=not all_copies,
            variants=not no_variants,
        )
    except ValueError as error:  # a bad filter value, e.g. an unparsable --from date
        raise click.BadParameter(str(error)) from None


def _show_results(results: Results, as_json: bool) -> None:
    if as_json:
        click.echo(_dumps(results.as_dict()))
        return
    for warning in results.warnings:
        click.echo(f"note: {warning}", err=True)
    if results.message:
        click.echo(results.message)
    if results.suggestion:
        click.echo(f"did you mean: {results.suggestion}")
    click.echo(f"{results.total:,} results ({results.took_ms:.1f} ms)")
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


@main.command("suggest")
@click.argument("prefix")
@index_option
@click.option("--limit", type=click.IntRange(1, 100), default=10, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@friendly_errors
def suggest_command(prefix: str, index_path: Path | None, limit: int, as_json: bool) -> None:
    """Autocomplete PREFIX from the index's vocabulary, commonest first."""
    with Index.open(index_path or default_index_path()) as index:
        suggestions = index.suggest(prefix, limit)
    if as_json:
        click.echo(_dumps([{"text": s.text, "doc_count": s.doc_count} for s in suggestions]))
        return
    for suggestion in suggestions:
        click.echo(f"{suggestion.text}\t{suggestion.doc_count}")


def _print_related(items: list[RelatedArticle], as_json: bool) -> None:
    if as_json:
        click.echo(_dumps([item.as_dict() for item in items]))
        return
    if not items:
        click.echo("no related articles")
    for rank, item in enumerate(items, 1):
        meta = " · ".join(x for x in (item.date.date().isoformat() if item.date else None, item.source) if x)
        click.echo(f"{rank}. {item.title or item.id}  [{item.id}]" + (f"  {meta}" if meta else ""))
        if item.duplicates:
            click.echo(f"   also published as: {', '.join(item.duplicates)}")


@main.command("related")
@click.argument("article_id", required=False)
@click.option("--text", help="Find articles related to this text instead of an indexed article.")
@index_option
@click.option("--limit", type=click.IntRange(1, MAX_LIMIT), default=5, show_default=True)
@click.option("--include-duplicates", is_flag=True, help="List copies of one story separately.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@friendly_errors
def related_command(
    article_id: str | None,
    text: str | None,
    index_path: Path | None,
    limit: int,
    include_duplicates: bool,
    as_json: bool,
) -> None:
    """Articles related to ARTICLE_ID (or to --text), copies of one story grouped."""
    if (article_id is None) == (text is None):
        raise click.UsageError("give an ARTICLE_ID or --text, not both")
    with Index.open(index_path or default_index_path()) as index:
        if text is not None:
            items = index.related_to_text(text, limit, include_duplicates=include_duplicates)
        else:
            assert article_id is not None
            items = index.related(article_id, limit, include_duplicates=include_duplicates)
    _print_related(items, as_json)


@main.command("duplicates")
@click.argument("article_id")
@index_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@friendly_errors
def duplicates_command(article_id: str, index_path: Path | None, as_json: bool) -> None:
    """Ids of near-copies of ARTICLE_ID (the same story republished), closest first."""
    with Index.open(index_path or default_index_path()) as index:
        copies = index.duplicates(article_id)
    if as_json:
        click.echo(_dumps(copies))
        return
    click.echo("\n".join(copies) if copies else "no near-copies")


@main.command("topics")
@index_option
@click.option("--refit", is_flag=True, help="Fit the model on the current articles now.")
@click.option(
    "--wait",
    "wait_seconds",
    type=click.FloatRange(min=0),
    is_flag=False,
    flag_value=float("inf"),
    default=None,
    metavar="[SECONDS]",
    help="Wait for the refit an import started in the background to land (at most SECONDS).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@friendly_errors
def topics_command(index_path: Path | None, refit: bool, wait_seconds: float | None, as_json: bool) -> None:
    """Show the topic model related articles use (imports refit it as the index grows)."""
    with Index.open(index_path or default_index_path()) as index:
        if wait_seconds is not None:
            try:
                index.wait_for_topics(None if wait_seconds == float("inf") else wait_seconds)
            except TimeoutError as error:
                _fail(str(error))
        info = index.refit_topics() if refit else index.topics_info()
        fitting = index.refitting_topics()
    if as_json:
        click.echo(_dumps(info.as_dict() if info else None))
        return
    if fitting:
        click.echo(f"being refitted in the background ('--wait' waits for it); until then: {_describe_topics(info)}")
    else:
        click.echo(_describe_topics(info))


@main.command("variants")
@click.argument("word")
@index_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@friendly_errors
def variants_command(word: str, index_path: Path | None, as_json: bool) -> None:
    """The other spellings of a name or loanword that a search for WORD finds, and the evidence."""
    with Index.open(index_path or default_index_path()) as index:
        found = index.variants(word)
    if as_json:
        click.echo(_dumps(found.as_dict()))
        return
    if found.stem is None:
        _fail(f"{word!r} is not one word that is searched (a stop word, or several words)")
    if not found.fitted:
        click.echo("no spelling variants yet: they are fitted with the topic model ('arsearch topics --refit')")
    searched = "، ".join(found.searched) if found.searched else "no other spelling"
    click.echo(f"{word} (term {found.stem}): a search also finds {searched}")
    if found.candidates:
        click.echo(f"candidates, judged when the variants were fitted ({found.fitted}):")
    for candidate in found.candidates:
        verdict = candidate.verdict
        together = "" if verdict.together is None else f", in one article {verdict.together:.0%}"
        evidence = f"{candidate.articles:,} articles, context {verdict.context:.2f}{together}"
        click.echo(f"  {candidate.spelling}  {evidence}: {verdict.reason}")


@main.group("synonyms")
def synonyms_group() -> None:
    """Words and phrases searched as one (أمريكا = "الولايات المتحدة"), applied at query time."""


@synonyms_group.command("add")
@click.argument("members", nargs=-1, required=True)
@index_option
@wait_option
@friendly_errors
def synonyms_add_command(members: tuple[str, ...], index_path: Path | None, wait: float) -> None:
    """Make MEMBERS (words, or phrases in quotes) one group of equivalents.

    Example: arsearch synonyms add أمريكا "الولايات المتحدة" --index DIR
    """
    with Index.open(index_path or default_index_path()) as index:
        group = index.add_synonyms(list(members), wait=wait)
    click.echo(" = ".join(group))


@synonyms_group.command("list")
@index_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON (a list of groups).")
@friendly_errors
def synonyms_list_command(index_path: Path | None, as_json: bool) -> None:
    """Every synonym group, one per line."""
    with Index.open(index_path or default_index_path()) as index:
        groups = index.synonyms()
    if as_json:
        click.echo(_dumps(groups))
        return
    for group in groups:
        click.echo(" = ".join(group))


@synonyms_group.command("remove")
@click.argument("members", nargs=-1, required=True)
@index_option
@click.option("--group", "whole_group", is_flag=True, help="Remove the whole group of each member named.")
@wait_option
@friendly_errors
def synonyms_remove_command(members: tuple[str, ...], index_path: Path | None, whole_group: bool, wait: float) -> None:
    """Take MEMBERS out of their groups (a group left with one member goes)."""
    with Index.open(index_path or default_index_path()) as index:
        removed = index.remove_synonyms(list(members), whole_group=whole_group, wait=wait)
    click.echo(f"removed {removed} member{'s' if removed != 1 else ''}")


@main.command("check")
@index_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@friendly_errors
def check_command(index_path: Path | None, as_json: bool) -> None:
    """Read the whole index (every stored article, every field); exit 1 on a problem."""
    report = check_index(index_path or default_index_path())
    if as_json:
        click.echo(_dumps({**report.__dict__, "path": str(report.path), "ok": report.ok}))
    elif report.ok:
        segments = f"{report.segments} segment{'' if report.segments == 1 else 's'}"
        click.echo(f"{report.path}: ok ({report.articles:,} articles in {segments})")
    else:
        for problem in report.problems:
            click.echo(f"problem: {problem}", err=True)
        click.echo(f"{report.path}: damaged; run 'arsearch repair --index {report.path}'", err=True)
    if not report.ok:
        sys.exit(1)


@main.command("repair")
@index_option
@friendly_errors
def repair_command(index_path: Path | None) -> None:
    """Keep what still reads, drop damaged segments, rebuild an older schema from stored articles."""
    report = repair_index(index_path or default_index_path())
    if not report.changed:
        click.echo(f"{report.path}: nothing to repair ({report.articles:,} articles)")
        return
    if report.dropped_segments:
        click.echo(
            f"dropped {len(report.dropped_segments)} damaged segment(s) holding {report.dropped_articles:,} articles; "
            f"kept {report.kept_segments}; the old commit list is saved as {report.backup}"
        )
        click.echo("re-run your 'arsearch index' command to add the lost articles back (present ids are skipped)")
    if report.rebuilt_from_schema is not None:
        click.echo(f"rebuilt from the stored articles (schema {report.rebuilt_from_schema} -> current)")
    if report.refitted_topics:
        click.echo("fitted the topic model of related articles again")
    click.echo(f"{report.path}: {report.articles:,} articles")


@main.group("cluster")
def cluster_group() -> None:
    """A sharded, replicated index on a Ray cluster (pip install 'arsearch[cluster]'; see docs/scaling.md)."""


address_option = click.option(
    "--address",
    required=True,
    metavar="HOST:PORT",
    help="The Ray cluster's head node, as 'ray start --head' printed it ('auto': the one this machine belongs to).",
)
name_option = click.option("--name", required=True, help="The cluster index's name (letters, digits, _ . -).")
#: The cluster index a report is about, and its format.
cluster_report_options = _options(
    address_option, name_option, click.option("--json", "as_json", is_flag=True, help="Print JSON.")
)


def _cluster_module() -> Any:
    """``arsearch.cluster``, loaded when a cluster command runs (Ray is an extra)."""
    try:
        import arsearch.cluster as cluster
    except ImportError as error:
        _fail(f"the cluster commands need Ray ({error}): pip install 'arsearch[cluster]'")
    return cluster


@cluster_group.command("build")
@click.argument("paths", nargs=-1, required=True)
@address_option
@name_option
@click.option("--data-dir", required=True, help="Where each node keeps its replicas (the same path on every node).")
@click.option("--shards", type=click.IntRange(1, 1024), default=None, help="Shards, for a new index [default: 1].")
@click.option(
    "--replicas", type=click.IntRange(min=1), default=None, help="Copies of each shard, on distinct nodes [default: 1]."
)
@input_options
@batch_option("Each shard commits every N of its articles.")
@click.option("--quiet", is_flag=True, help="No summary; problems still go to stderr.")
@problems_option
@friendly_errors
def cluster_build_command(
    paths: tuple[str, ...],
    address: str,
    name: str,
    data_dir: str,
    shards: int | None,
    replicas: int | None,
    input_format: str,
    field_map: str | None,
    update: bool,
    batch_size: int,
    quiet: bool,
    problems_file: Path | None,
) -> None:
    """Index articles from PATHS into the cluster index NAME, created if new.

    Bad records are skipped and reported with file:line, as by 'arsearch
    index'; re-running the same command finishes an interrupted build.
    """
    cluster = _cluster_module()
    mapping = _parse_field_map(field_map)
    try:
        _, report = cluster.build_cluster(
            list(paths),
            address=address,
            name=name,
            data_dir=data_dir,
            shards=shards,
            replicas=replicas,
            input_format=input_format,
            field_map=mapping,
            update=update,
            batch_size=batch_size,
        )
    except (IngestError, ValueError) as error:
        _fail(str(error))
    _report_import(report, problems_file, quiet)


@cluster_group.command("info")
@cluster_report_options
@friendly_errors
def cluster_info_command(address: str, name: str, as_json: bool) -> None:
    """The cluster index's shards, replicas, article count, and each replica's node and state."""
    info = _cluster_module().ClusterIndex.connect(address, name).info()
    if as_json:
        click.echo(_dumps(info.as_dict()))
        return
    shards, replicas = _counted(info.shards, "shard"), _counted(info.replicas, "replica")
    click.echo(f"{info.name}: {_counted(info.doc_count, 'article')} in {shards} x {replicas}")
    if info.missing_shards:
        click.echo(f"shards with no replica answering: {', '.join(map(str, info.missing_shards))}")
    for state in info.replica_states:
        where = f"shard {state.shard} replica {state.replica} on node {state.node[:12]}"
        if state.index is None:
            click.echo(f"  {where}: down ({state.error})")
        else:
            behind = ", may be behind (catches up at its next call)" if state.behind else ""
            click.echo(
                f"  {where}: {_counted(state.index.doc_count, 'article')}, {state.index.size_bytes / 1e6:.1f} MB, "
                f"{_counted(state.writes or 0, 'write')}{behind}"
            )


def _counted(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


@cluster_group.command("repair")
@cluster_report_options
@friendly_errors
def cluster_repair_command(address: str, name: str, as_json: bool) -> None:
    """Start again the replicas that are gone (after losing a machine): on their node if it is alive,
    else on another; each copies a live replica of its shard before it serves."""
    restarted = _cluster_module().repair_cluster(address, name)
    if as_json:
        click.echo(_dumps([dataclasses.asdict(replica) for replica in restarted]))
        return
    if not restarted:
        click.echo(f"{name}: every replica answers; nothing to repair")
    for replica in restarted:
        where = f"moved to node {replica.node[:12]}" if replica.moved else f"on node {replica.node[:12]}"
        state = "current" if replica.current else "not current yet (no live replica of its shard to copy)"
        click.echo(f"shard {replica.shard} replica {replica.replica}: started again {where}, {state}")
    if any(not replica.current for replica in restarted):
        sys.exit(1)


@cluster_group.command("search")
@click.argument("query")
@address_option
@name_option
@search_options
@friendly_errors
def cluster_search_command(query: str, address: str, name: str, as_json: bool, **options: Any) -> None:
    """Search the cluster index NAME for QUERY (the query language of 'arsearch search')."""
    index = _cluster_module().ClusterIndex.connect(address, name)
    _show_results(_searched(index.search, query, as_json, **options), as_json)


@main.command("serve")
@index_option
@click.option(
    "--cluster",
    "cluster_address",
    metavar="HOST:PORT",
    help="Serve a cluster index instead: the Ray head node ('arsearch cluster build'); needs --name.",
)
@click.option("--name", "cluster_name", help="The cluster index to serve (with --cluster).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback by default).")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option(
    "--write-token",
    envvar="ARSEARCH_WRITE_TOKEN",
    help="Allow POST/DELETE /articles with 'Authorization: Bearer TOKEN' [env: ARSEARCH_WRITE_TOKEN].",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Server processes (searches are CPU-bound Python: about one per core).",
)
@friendly_errors
def serve_command(
    index_path: Path | None,
    cluster_address: str | None,
    cluster_name: str | None,
    host: str,
    port: int,
    write_token: str | None,
    workers: int,
) -> None:
    """Serve the index over HTTP: the JSON API and a search page at / (see arsearch.web)."""
    try:
        import uvicorn

        from .web import CLUSTER_ENV_VAR, CLUSTER_INDEX_ENV_VAR, create_app
    except ImportError:
        _fail("the web server needs extra packages: pip install 'arsearch[web]'")
    if (cluster_address is None) != (cluster_name is None):
        _fail("serving a cluster index takes both --cluster HOST:PORT and --name NAME")
    if cluster_address is not None and index_path is not None:
        _fail("give --index or --cluster, not both")
    served: Any
    if cluster_address is not None and cluster_name is not None:
        served = _cluster_module().ClusterIndex.connect(cluster_address, cluster_name)
        what = f"cluster index {cluster_name!r} at {cluster_address}"
        os.environ[CLUSTER_ENV_VAR], os.environ[CLUSTER_INDEX_ENV_VAR] = cluster_address, cluster_name
    else:
        served = index_path or default_index_path()
        what = str(served)
        os.environ[INDEX_ENV_VAR] = str(served)
    app = create_app(served, write_token=write_token)  # opens the index: a bad path fails here, in one line
    mode = "read-write (token set)" if write_token else "read-only"
    processes = f", {workers} processes" if workers > 1 else ""
    click.echo(f"serving {what} on http://{host}:{port} ({mode}{processes})", err=True)
    if workers == 1:
        uvicorn.run(app, host=host, port=port, log_level="warning")
        return
    # each worker process builds its own app from the environment (uvicorn imports it by name)
    if write_token:
        os.environ["ARSEARCH_WRITE_TOKEN"] = write_token
    uvicorn.run(
        "arsearch.web:app_from_environment", factory=True, host=host, port=port, workers=workers, log_level="warning"
    )
