"""``contratgen init``: a commented client.yaml that ``check`` accepts as it is."""
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from contratgen.cli import main
from support.schema import EditorLoader, validator

VARIANTS = [("quote", []), ("quote", ["--consumer"]), ("contract", []),
            ("contract", ["--consumer"])]


@pytest.mark.parametrize("kind, extra", VARIANTS, ids=lambda v: str(v))
def test_init_writes_a_file_that_check_accepts(tmp_path, kind, extra):
    target = tmp_path / "x.yaml"
    run = CliRunner().invoke(main, ["init", kind, *extra, "-o", str(target)])
    assert run.exit_code == 0, run.output
    checked = CliRunner().invoke(main, ["check", str(target)])
    assert checked.exit_code == 0, checked.output
    assert "error" not in checked.output
    data = yaml.load(target.read_text(), Loader=EditorLoader)
    assert list(validator("client", shipped=True).iter_errors(data)) == []
    assert data["document"]["type"] == kind
    assert data["client"]["kind"] == ("consumer" if extra else "business")


def test_init_explains_the_optional_fields_in_comments():
    text = CliRunner().invoke(main, ["init", "contract"]).output
    for field in ("# vat: franchise", "# insurance:", "# annexes:", "# invoicing:"):
        assert field in text
    first = text.splitlines()[0]
    schema = first.split("$schema=", 1)[1]
    assert schema.endswith("client.schema.json") and Path(schema).is_file()


def test_init_never_overwrites_without_force(tmp_path):
    target = tmp_path / "x.yaml"
    target.write_text("mine\n")
    run = CliRunner().invoke(main, ["init", "-o", str(target)])
    assert run.exit_code == 1 and target.read_text() == "mine\n"
    assert "--force" in run.output
    assert CliRunner().invoke(main, ["init", "-o", str(target), "--force"]).exit_code == 0
    assert target.read_text().startswith("# yaml-language-server")


def test_python_dash_m_contratgen_prints_the_version():
    run = subprocess.run([sys.executable, "-m", "contratgen", "--version"],
                         capture_output=True, text=True, check=True)
    from contratgen import __version__
    assert run.stdout.strip() == f"contratgen, version {__version__}"
