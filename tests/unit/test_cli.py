"""The command line, through click's CliRunner."""

from __future__ import annotations

import orjson
from click.testing import CliRunner

import arsearch
from arsearch.cli import main


def test_version_and_help() -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"arsearch, version {arsearch.__version__}"
    result = runner.invoke(main, ["--help"])
    assert result.exit_code == 0
    assert "analyze" in result.output


def test_analyze_table_shows_surface_normalized_stem_and_offsets() -> None:
    result = CliRunner().invoke(main, ["analyze", "زيارةُ الوزيرِ إلى المملكة"])
    assert result.exit_code == 0, result.output
    lines = [line.split() for line in result.output.splitlines()]
    assert lines[0] == ["surface", "normalized", "stem", "start", "end"]
    assert lines[1] == ["زيارةُ", "زياره", "زيار", "0", "6"]
    assert lines[3] == ["إلى", "الي", "(stop)", "15", "18"]
    assert lines[4] == ["المملكة", "المملكه", "مملك", "19", "26"]


def test_analyze_json_with_profile() -> None:
    result = CliRunner().invoke(main, ["analyze", "--json", "--profile", "exact", "والمملكةِ"])
    assert result.exit_code == 0, result.output
    assert orjson.loads(result.output) == [
        {
            "surface": "والمملكةِ",
            "normalized": "والمملكه",
            "stem": "والمملكه",
            "stopword": False,
            "start": 0,
            "end": 9,
            "position": 0,
        }
    ]


def test_analyze_reads_stdin() -> None:
    result = CliRunner().invoke(main, ["analyze", "--json", "-"], input="بالمملكة\n")
    assert [t["stem"] for t in orjson.loads(result.output)] == ["مملك"]


def test_analyze_rejects_an_unknown_profile_without_traceback() -> None:
    result = CliRunner().invoke(main, ["analyze", "--profile", "stem", "نص"])
    assert result.exit_code == 2
    assert "Invalid value for '--profile'" in result.output
    assert "Traceback" not in result.output


def test_empty_text_says_so() -> None:
    result = CliRunner().invoke(main, ["analyze", "   "])
    assert result.exit_code == 0
    assert result.output.strip() == "(no tokens)"
