"""The ``contratgen`` command runs ``contratgen.cli:run``: the click group in a process
tuned for a short command (the collector's thresholds raised, the survivors frozen at exit).
What a user sees must be the same: exit codes, messages, files."""
from __future__ import annotations

import gc
import subprocess
import sys
import tomllib

from click.testing import CliRunner

from conftest import ROOT, SAMPLES
from contratgen.cli import THRESHOLDS, main

PROBE = ("import gc, sys, click\n"
         "from contratgen.cli import main, run\n"
         "@main.command('probe')\n"
         "def probe():\n"
         "    import os\n"
         "    click.echo(repr(gc.get_threshold()) + ' ' + repr(gc.isenabled()) + ' '\n"
         "               + os.environ.get('PYDANTIC_DISABLE_PLUGINS', '-'))\n"
         "sys.argv = ['contratgen', 'probe']\n"
         "run()\n")


def _contratgen(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "contratgen", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def test_the_console_script_is_run():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    assert project["project"]["scripts"]["contratgen"] == "contratgen.cli:run"


def _probe(**env):
    import os
    environment = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                          timeout=60, cwd=ROOT, env={**environment, **env})
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_a_command_runs_with_the_collector_on_and_the_raised_thresholds():
    saved = gc.get_threshold()
    gc.set_threshold(*THRESHOLDS)
    expected = gc.get_threshold()   # as this Python reports them (3.14 drops the third)
    gc.set_threshold(*saved)
    assert expected != saved
    assert _probe().startswith(f"{expected!r} True ")


def test_pydantic_plugins_are_off_unless_the_environment_says_otherwise():
    assert _probe().endswith(" __all__")
    assert _probe(PYDANTIC_DISABLE_PLUGINS="logfire").endswith(" logfire")


def test_a_build_writes_its_file_and_exits_0(tmp_path):
    done = _contratgen("build", str(SAMPLES / "contract-b2b.yaml"), "--format", "docx",
                       "-o", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "CT-2026-0042.docx").stat().st_size > 10_000
    assert "CT-2026-0042.docx" in done.stdout


def test_a_mistake_still_exits_1_with_its_located_message(tmp_path):
    bad = tmp_path / "client.yaml"
    bad.write_text("document: [\n", "utf-8")
    done = _contratgen("build", str(bad), "-o", str(tmp_path / "out"))
    assert done.returncode == 1
    assert f"{bad}:" in done.stderr and "error:" in done.stderr
    assert not (tmp_path / "out").exists()


def test_main_called_as_a_library_leaves_the_collector_alone():
    before = gc.get_threshold()
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0 and "contratgen" in result.output
    assert gc.get_threshold() == before and gc.isenabled()
