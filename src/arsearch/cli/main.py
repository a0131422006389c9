"""The ``arsearch`` command group and its commands over one index."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click
import orjson

from ..analysis import PROFILES, Token, analyze
from ..analysis.dictionary import Entry, look_up
from ..derived import topics
from ..engine import ENGINES
from ..evaluation import evaluate, trec_run_lines
from ..index import ImportOptions, Index, default_index_path, protected_words
from ..maintenance import check_index, repair_index
from ..query import MATCH_LEVELS, MatchLevel
from ..records.ingest import ReadProgress, read_records
from ..related import RelatedArticle
from ..search.options import MAX_LIMIT
from ..search.ranking import WIDEN_BELOW
from ..store.importing import TOPIC_FITTING, TopicFitting
from ..version import __version__
from .cluster import cluster_group
from .common import (
    EXIT_INTERRUPTED,
    Progress,
    batch_option,
    counted,
    describe_topics,
    dumps,
    echo_table,
    fail,
    friendly_errors,
    index_option,
    input_options,
    parse_field_map,
    problems_option,
    ranking_of,
    report_import,
    search_options,
    searched,
    show_results,
    wait_option,
)
from .serve import serve_command


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


def _dictionary_cells(entries: list[Entry | None], number: int) -> tuple[str, ...]:
    if not entries:
        return ()
    entry = entries[number]
    return (entry.lemma or "-", entry.kind) if entry else ("-", "-")


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
@click.option(
    "--dictionary",
    is_flag=True,
    help="Also show each word's lemma and what the Arabic dictionary (farahidi) makes of it: "
    "native, name, noun or unknown.",
)
def analyze_command(text: str, profile: str, as_json: bool, dictionary: bool) -> None:
    """Show how TEXT is analyzed: surface, normalized form, stem, offsets.

    TEXT "-" reads the text from standard input. Stop words are listed with
    the stem "(stop)": they are not indexed by the light and root profiles.
    """
    if text == "-":
        text = sys.stdin.read()
    tokens = analyze(text, profile, keep_stopwords=True)  # type: ignore[arg-type]
    # stop words are not looked up: they are not indexed, and their readings mislead (في as وفى)
    entries = [look_up(t.surface) if t.stem else None for t in tokens] if dictionary else []
    if as_json:
        records = [_token_record(t) for t in tokens]
        for record, entry in zip(records, entries, strict=False):
            record.update(lemma=entry.lemma if entry else None, kind=entry.kind if entry else None)
        click.echo(orjson.dumps(records).decode())
        return
    if not tokens:
        click.echo("(no tokens)")
        return
    rows = [("surface", "normalized", "stem", "start", "end", *(("lemma", "dictionary") if dictionary else ()))]
    rows += [
        (t.surface, t.normalized, t.stem or "(stop)", str(t.start), str(t.end), *_dictionary_cells(entries, n))
        for n, t in enumerate(tokens)
    ]
    echo_table(rows)


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
    "are committed, now (before the command returns), or off. A refit also judges the spellings of the "
    "index's words ahead, so that first searches need not (minutes for a large index).",
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
    mapping = parse_field_map(field_map)
    path = index_path or default_index_path()
    reading = ReadProgress(paths)
    try:
        protect = protected_words(protected)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--protect") from None
    with Index.open_or_create(path, profile=profile, protected=protect, engine=engine) as index:
        if engine is not None and index.store.kind.name != engine:
            fail(f"{path} uses the {index.store.kind.name} engine, not {engine}: index into a new directory")
        if protect and index.protected_words != protect:
            fail(
                f"{path} was created with protected words {index.protected_words or 'none'}: "
                "they are set when an index is created (index into a new directory to change them)"
            )
        records = read_records(paths, input_format, progress=reading)  # type: ignore[arg-type]
        progress = Progress(reading, enabled=not quiet and sys.stderr.isatty())
        try:
            options = ImportOptions(
                update=update,
                batch_size=batch_size,
                strict=strict,
                field_map=mapping,
                wait=wait,
                progress=progress,
                jobs=jobs,
                fit_topics=fit_topics,
            )
            report = index.add(records, options)
        except KeyboardInterrupt:
            progress.done()
            fail(
                f"interrupted; {counted(len(index), 'article')} committed in {path}; re-run to finish", EXIT_INTERRUPTED
            )
            return
        finally:
            progress.done()
    report_import(report, problems_file, quiet)


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
        click.echo(dumps(info))
        return
    info["topics"] = describe_topics(facts.topics)
    if facts.topics_fitting:
        info["topics"] = f"being refitted in the background; until then: {info['topics']}"
    elif facts.topics is None and facts.doc_count < topics.MIN_ARTICLES:
        info["topics"] = (
            f"none yet: a small index (fewer than {topics.MIN_ARTICLES:,} articles) has no topic model; related "
            "articles rank on their key terms alone"
        )
    if facts.topics is None and not facts.spelling_variants:
        info["spelling_variants"] = "none yet: they are learned with the topic model"
    info["size_bytes"] = f"{facts.size_bytes:,}"
    width = max(len(key) for key in info)
    for key, value in info.items():
        click.echo(f"{key.replace('_', ' ').ljust(width)}  {_readable(value)}")


def _readable(value: object) -> str:
    """A fact as a reader wants it: yes/no, a list joined, "none" for nothing."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return "، ".join(str(item) for item in value) if value else "none"
    return "none" if value is None else str(value)


@main.command("search")
@click.argument("query")
@index_option
@search_options
@friendly_errors
def search_command(query: str, index_path: Path | None, as_json: bool, **options: Any) -> None:
    """Search the index for QUERY, best first; copies of one story fold into one hit.

    \b
    The query language:
      زيارة الوزير              free text: every word counts, more matches rank higher
      "وزير الخارجية"           a phrase
      +المملكة -مصر             must have / must not have
      title:ميزانية             one field: title, text, source, category, author, tags
      date:2024-01..2024-06-30  a date range (either end may be left out)
      root:درس                  every word of a root: درس، مدرسة، المدارس، دراسة
      اقتص*  تطعيم~             a prefix; a word or its near spellings (one letter off)
      (نفط OR غاز) AND اسعار    groups and AND / OR / NOT (Arabic أو، و، ليس too)

    A malformed query never fails: it falls back to its words, with a note.
    """
    with Index.open(index_path or default_index_path()) as index:
        results = searched(index, query, as_json, **options)
    show_results(results, as_json)


@main.command("suggest")
@click.argument("prefix")
@index_option
@click.option("--limit", type=click.IntRange(1, 100), default=10, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@friendly_errors
def suggest_command(prefix: str, index_path: Path | None, limit: int, as_json: bool) -> None:
    """Autocomplete PREFIX's last word from the index's words, commonest first.

    Each word is shown as the articles most often write it (وزارة, with its
    hamza, ة and ى), with the number of articles holding it; stop words are
    left out.
    """
    with Index.open(index_path or default_index_path()) as index:
        suggestions = index.suggest(prefix, limit)
    if as_json:
        click.echo(dumps([s.as_dict() for s in suggestions]))
        return
    for suggestion in suggestions:
        click.echo(f"{suggestion.text}\t{suggestion.doc_count}")


def _print_related(items: list[RelatedArticle], as_json: bool) -> None:
    if as_json:
        click.echo(dumps([item.as_dict() for item in items]))
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
    if article_id is None and text is None:
        raise click.UsageError("give an ARTICLE_ID, or a text with --text")
    if article_id is not None and text is not None:
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
        click.echo(dumps(copies))
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
                index.topics.wait(None if wait_seconds == float("inf") else wait_seconds)
            except TimeoutError as error:
                fail(str(error))
        info = index.topics.refit() if refit else index.topics.info()
        fitting = index.topics.refitting()
    if as_json:
        click.echo(dumps(info.as_dict() if info else None))
        return
    if fitting:
        click.echo(f"being refitted in the background ('--wait' waits for it); until then: {describe_topics(info)}")
    else:
        click.echo(describe_topics(info))


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
        click.echo(dumps(found.as_dict()))
        return
    if found.stem is None:
        fail(f"{word!r} is not one word that is searched (a stop word, or several words)")
    if not found.fitted:
        click.echo(
            "no pairs fitted with the topic model yet (once the index has "
            f"{topics.MIN_ARTICLES:,} articles; 'arsearch topics --refit' fits them now): "
            "spellings of one name are judged by the dictionary alone"
        )
    articles = counted(found.articles, "article")
    if found.searched:
        click.echo(f"{word} (term {found.stem}, in {articles}): a search also finds {'، '.join(found.searched)}")
    else:
        click.echo(f"{word} (term {found.stem}, in {articles}): no other spelling is joined to it")
    if found.root_widens:
        click.echo(
            f"it is in fewer than {WIDEN_BELOW} articles, so a search for it alone also lets in the articles "
            f"sharing its root {found.root}"
        )
    if found.candidates:
        click.echo(f"candidates, judged when the variants were fitted ({found.fitted}):")
    for candidate in found.candidates:
        verdict = candidate.verdict
        together = "" if verdict.together is None else f", in one article {verdict.together:.0%}"
        evidence = f"{counted(candidate.articles, 'article')}, context {verdict.context:.2f}{together}"
        click.echo(f"  {candidate.spelling}  {evidence}: {verdict.reason}")
    if found.judged:
        click.echo("spellings of the same letters, judged by the dictionary and the index's words:")
    for judgement in found.judged:
        click.echo(f"  {judgement.written[1]}  {judgement.reason}")


@main.command("eval")
@click.argument("test_set", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--index",
    "index_path",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Search this index as it is [default: a temporary index of the set's docs.jsonl].",
)
@click.option(
    "--distract",
    type=click.Path(dir_okay=False, path_type=Path),
    multiple=True,
    help="Articles added to the temporary index that no topic is judged on; repeat for more.",
)
@click.option(
    "--level",
    "levels",
    type=click.Choice(MATCH_LEVELS),
    multiple=True,
    help="A match level reported beside the default; repeat for more [default: every level].",
)
@click.option("--no-levels", is_flag=True, help="Report the default ranking only.")
@click.option(
    "--profile",
    type=click.Choice(PROFILES),
    default="light",
    show_default=True,
    help="Analysis profile of the temporary index.",
)
@click.option("--run-out", type=click.Path(dir_okay=False, path_type=Path), help="Write the default run in TREC form.")
@click.option(
    "--ranking",
    "ranking_settings",
    metavar="NAME=VALUE",
    multiple=True,
    help="A ranking knob to evaluate instead of its default (docs/ranking.md); repeat for more.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@friendly_errors
def eval_command(
    test_set: Path,
    index_path: Path | None,
    distract: tuple[Path, ...],
    levels: tuple[MatchLevel, ...],
    no_levels: bool,
    profile: str,
    run_out: Path | None,
    ranking_settings: tuple[str, ...],
    as_json: bool,
) -> None:
    """How well search ranks on TEST_SET (topics.tsv, qrels.txt, docs.jsonl): MAP@10, MRR@10,
    nDCG@10 and Recall@100 of the default ranking and of each match level."""
    chosen: tuple[MatchLevel, ...] = () if no_levels else levels or MATCH_LEVELS
    if index_path is not None and (distract or profile != "light"):
        fail("--distract and --profile build a temporary index; they do not apply to --index")
    create: dict[str, Any] = {} if index_path is not None else {"profile": profile}
    ranking = ranking_of(ranking_settings)
    report = evaluate(test_set, index=index_path, distract=distract, levels=chosen, ranking=ranking, **create)
    if run_out is not None:
        run_out.write_text("".join(line + "\n" for line in trec_run_lines(report.run)), encoding="utf-8")
    if as_json:
        click.echo(dumps(report.as_dict()))
        return
    built = f", indexed in {report.index_seconds:.1f} s" if index_path is None else ""
    click.echo(
        f"{report.set}: {report.judged_topics:,} judged topics of {report.topics:,}, "
        f"{counted(report.articles, 'article')}{built}, {report.ms_per_query:.1f} ms a query"
    )
    if report.problems:
        shown = "; ".join(report.problems[:3]) + ("; ..." if len(report.problems) > 3 else "")
        click.echo(f"warning: {counted(len(report.problems), 'record')} not indexed: {shown}", err=True)
    if report.missing:
        shown = ", ".join(report.missing[:5]) + (", ..." if len(report.missing) > 5 else "")
        click.echo(
            f"warning: {counted(len(report.missing), 'relevant article')} of the qrels not in the index "
            f"(never found, every measure lower): {shown}",
            err=True,
        )
    echo_table(report.table())


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
        group = index.synonyms.add(list(members), wait=wait)
    click.echo(" = ".join(group))


@synonyms_group.command("list")
@index_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON (a list of groups).")
@friendly_errors
def synonyms_list_command(index_path: Path | None, as_json: bool) -> None:
    """Every synonym group, one per line."""
    with Index.open(index_path or default_index_path()) as index:
        groups = index.synonyms.list()
    if as_json:
        click.echo(dumps(groups))
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
        removed = index.synonyms.remove(list(members), whole_group=whole_group, wait=wait)
    click.echo(f"removed {removed} member{'s' if removed != 1 else ''}")


@main.command("check")
@index_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@friendly_errors
def check_command(index_path: Path | None, as_json: bool) -> None:
    """Read the whole index (every stored article, every field); exit 1 on a problem."""
    report = check_index(index_path or default_index_path())
    if as_json:
        click.echo(dumps({**report.__dict__, "path": str(report.path), "ok": report.ok}))
    elif report.ok:
        held = f"{counted(report.articles, 'article')} in {counted(report.segments, 'segment')}"
        click.echo(f"{report.path}: ok ({held})")
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
        click.echo(f"{report.path}: nothing to repair ({counted(report.articles, 'article')})")
        return
    if report.dropped_segments:
        click.echo(
            f"dropped {counted(len(report.dropped_segments), 'damaged segment')} holding "
            f"{counted(report.dropped_articles, 'article')}; "
            f"kept {report.kept_segments}; the old commit list is saved as {report.backup}"
        )
        click.echo("re-run your 'arsearch index' command to add the lost articles back (present ids are skipped)")
    if report.rebuilt_from_schema is not None:
        click.echo(f"rebuilt from the stored articles (schema {report.rebuilt_from_schema} -> current)")
    if report.refitted_topics:
        click.echo("fitted the topic model of related articles again")
    click.echo(f"{report.path}: {counted(report.articles, 'article')}")


main.add_command(cluster_group)
main.add_command(serve_command)
