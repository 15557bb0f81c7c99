"""The README's commands, line by line, against the command line itself: every
``contratgen …`` line of its shell blocks names a command that exists and options that
command has; the read-only ones and the ``remind`` example run as written."""
from __future__ import annotations

import re
import shlex

import click
import pytest
from click.testing import CliRunner

from conftest import ROOT
from contratgen.cli import main

README = (ROOT / "README.md").read_text("utf-8")


def command_lines() -> list[str]:
    lines = []
    for block in re.findall(r"```sh\n(.*?)```", README, re.S):
        for line in block.splitlines():
            line = line.split(" #", 1)[0].strip().rstrip("&").strip()
            if line.startswith("contratgen "):
                lines.append(line)
    return lines


LINES = command_lines()


def resolve(words: list[str]) -> click.Command:
    context = click.Context(main)
    command = main.get_command(context, words[0])
    assert command is not None, f"no command {words[0]!r}"
    return command


def test_the_readme_shows_every_command():
    shown = {shlex.split(line)[1] for line in LINES}
    assert shown >= set(main.list_commands(click.Context(main)))


@pytest.mark.parametrize("line", LINES)
def test_each_readme_command_and_its_options_exist(line):
    words = shlex.split(line)[1:]
    command = resolve(words)
    known = {opt for p in command.params for opt in (*p.opts, *p.secondary_opts)}
    for word in words[1:]:
        if word.startswith("-") and word != "-":
            assert word.split("=", 1)[0] in known, f"{line}: {command.name} has no {word}"


READ_ONLY = [line for line in LINES if shlex.split(line)[1] in {"clauses", "rates", "schema"}
             or line.startswith(("contratgen check --rules", "contratgen lint"))]


@pytest.mark.parametrize("line", READ_ONLY)
def test_the_read_only_readme_commands_run(line, monkeypatch):
    monkeypatch.chdir(ROOT)
    words = shlex.split(line)[1:]
    if words[0] == "lint" and "--templates" in words:
        words[words.index("--templates") + 1] = "templates"
    result = CliRunner().invoke(main, words)
    assert result.exit_code == 0, result.output


def test_the_remind_example_writes_its_letter(tmp_path, monkeypatch):
    [line] = [line for line in LINES if line.startswith("contratgen remind samples/")]
    monkeypatch.chdir(ROOT)
    words = shlex.split(line)[1:] + ["-o", str(tmp_path), "--format", "docx"]
    result = CliRunner().invoke(main, words)
    assert result.exit_code == 0, result.output
    assert [p.name for p in tmp_path.iterdir()] == ["FA-2026-0131-formal-notice.docx"]
