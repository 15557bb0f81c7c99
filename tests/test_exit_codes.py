"""One exit path: the code lives on the failure's class and Contratgen.invoke alone maps
the engine's exceptions (UserError 1, ExternalError 3, OSError 3); usage is click's 2."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest
from click.testing import CliRunner

from contratgen.cli import main
from contratgen.cli.errors import Failed, Unavailable, for_status

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = (ROOT / "tests" / "fixtures" / "minimal.yaml").read_text("utf-8")


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_an_invalid_input_is_1_with_its_located_diagnostic(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(MINIMAL.replace("unit_price: 100", "unit_price: cent"), "utf-8")
    result = run("build", str(path), "--format", "docx", "-o", str(tmp_path / "out"))
    assert result.exit_code == 1 and f"{path}:21:" in result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception,
                                                                      SystemExit)


def test_an_output_that_cannot_be_written_is_3(tmp_path):
    path = tmp_path / "ok.yaml"
    path.write_text(MINIMAL, "utf-8")
    blocked = tmp_path / "out"
    blocked.write_text("a file where the output folder goes", "utf-8")
    result = run("build", str(path), "--format", "docx", "-o", str(blocked / "sub"))
    assert result.exit_code == 3 and "contratgen: " in result.output
    assert "Traceback" not in result.output


def test_a_usage_error_is_2():
    assert run("check").exit_code == 2


@pytest.mark.parametrize("failure, code", [(Failed(), 1), (Failed("x"), 1),
                                           (Unavailable("x"), 3), (for_status(1), 1),
                                           (for_status(3), 3), (Failed("x", 3), 3)])
def test_the_code_is_the_failures_own(failure, code):
    assert failure.exit_code == code


def _int_literal_failures(tree: ast.AST) -> list[int]:
    return [node.lineno for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            and node.func.id in ("Failed", "Unavailable") and node.args
            and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, int)]


def test_no_command_raises_a_failure_with_a_code_literal():
    found = {str(p.relative_to(ROOT)): lines for p in (ROOT / "contratgen").rglob("*.py")
             if (lines := _int_literal_failures(ast.parse(p.read_text("utf-8"))))}
    assert found == {}
