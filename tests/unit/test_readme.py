"""The README opens with the two commands, and CI runs the second verbatim."""

from __future__ import annotations

import re

import orjson

from helpers import ROOT


def readme_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```bash\n(.+?)\n```", readme, flags=re.S)


def test_readme_opens_with_exactly_two_commands() -> None:
    commands = readme_commands()
    assert len(commands) == 2
    assert all("\n" not in command for command in commands)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme.index(commands[1]) < readme.index("## ")  # both come before any section


def test_ci_runs_the_second_command_verbatim() -> None:
    ci_script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert readme_commands()[1] in ci_script.splitlines()


def test_sample_corpus_is_complete() -> None:
    lines = (ROOT / "samples" / "news.jsonl").read_bytes().splitlines()
    articles = [orjson.loads(line) for line in lines]
    assert len(articles) == 30
    assert len({a["id"] for a in articles}) == 30
    for article in articles:
        assert article["title"] and article["text"] and article["source"]
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", article["date"])
