"""Hostile clause libraries and templates: sandbox escapes, endless or huge texts, and
paths that lead outside the input's folder (SECURITY.md).

A clause text that could hang or eat memory runs in a child process with a 1 GiB address
space limit and a timeout; the bounds are generous ceilings, not benchmarks.
"""
from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from lxml import etree

from contratgen.cli import main
from conftest import run_bounded
from contratgen.library.texts import MAX_OUTPUT
from contratgen.library.sandbox import MAX_ITERATIONS, MAX_SIZE
from support.clauses import TEXT_COL, TEXT_LINE, clause_yaml

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = (Path(__file__).parent / "fixtures" / "minimal.yaml").read_text("utf-8")


def cli(*args: str):
    return CliRunner().invoke(main, list(args))


def errors(output: str, code: str) -> list[tuple[str, int, int, str]]:
    return [(f, int(line), int(col), msg) for f, line, col, msg in re.findall(
        rf"^(.+?):(\d+):(\d+): error: (.+) \[{re.escape(code)}\]$", output, re.M)]


def one_error(output: str, code: str) -> tuple[str, int, int, str]:
    assert "Traceback" not in output, output
    found = errors(output, code)
    assert found, f"no located [{code}] error in:\n{output}"
    return found[0]


@pytest.fixture
def deal(tmp_path):
    """deal(text) → client.yaml using a library alone whose clause 'evil' has ``text``."""
    def _deal(text: str) -> Path:
        (tmp_path / "lib").mkdir(exist_ok=True)
        (tmp_path / "lib" / "evil.yaml").write_text(
            clause_yaml(json.dumps(text, ensure_ascii=False)), "utf-8")
        path = tmp_path / "client.yaml"
        path.write_text(MINIMAL + "library: {path: lib, layer: false}\nclauses: [evil]\n",
                        "utf-8")
        return path
    return _deal


def build(path: Path, *extra: str):
    out = path.parent / "out"
    return cli("build", str(path), "-o", str(out), "--format", "docx", *extra), out


def assert_refused_text(result, out: Path, clause_file: Path) -> str:
    """exit 1, a [clause.text] error at the text's line in the clause file, nothing written."""
    file, line, col, message = one_error(result.output, "clause.text")
    assert result.exit_code == 1
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)
    assert Path(file).resolve() == clause_file.resolve()
    assert line == TEXT_LINE and col >= TEXT_COL - 4, (line, col)
    assert not out.exists() or not any(out.iterdir())
    return message


def docx_is_valid(data: bytes) -> None:
    """Word-openable: python-docx reads it and every XML part parses strictly."""
    docx.Document(io.BytesIO(data))
    parser = etree.XMLParser(recover=False, resolve_entities=False, huge_tree=False)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        for name in package.namelist():
            if name.endswith((".xml", ".rels")):
                etree.fromstring(package.read(name), parser)


# --- the sandbox: no way out --------------------------------------------------------

@pytest.mark.parametrize("text", [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__.os.system('true') }}",
    "{{ namespace.__init__.__globals__ }}",
    "{{ provider.__class__ }}",
    "{{ '{0.__class__.__base__}'.format(1) }}",
    "{{ (1).__class__.__subclasses__() }}",
    "{{ self._TemplateReference__context }}",
])
def test_sandbox_escape_is_refused(deal, text):
    path = deal(text)
    result, out = build(path)
    message = assert_refused_text(result, out, path.parent / "lib" / "evil.yaml")
    assert "sandbox" in message or "undefined" in message, message


@pytest.mark.parametrize("tag", ['{% include "/etc/passwd" %}', '{% extends "/etc/passwd" %}',
                                 '{% import "/etc/passwd" as p %}',
                                 '{% from "../client.yaml" import x %}'])
def test_clause_text_cannot_read_files(deal, tag):
    path = deal(tag)
    result, out = build(path)
    assert_refused_text(result, out, path.parent / "lib" / "evil.yaml")
    assert "root:" not in result.output


def test_endless_recursion_is_refused(deal):
    path = deal("{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}")
    result, out = build(path)
    assert_refused_text(result, out, path.parent / "lib" / "evil.yaml")


def test_check_renders_nothing_dangerous_either(deal):
    path = deal("{{ ''.__class__ }}")
    result = cli("check", str(path))
    assert result.exit_code == 1
    one_error(result.output, "clause.text")


# --- bounded work: loops, sizes, output ---------------------------------------------

def test_billion_iteration_loop_is_stopped_fast(deal):
    path = deal("{% for i in range(10**9) %}x{% endfor %}")
    out = path.parent / "out"
    code, stderr, seconds, peak = run_bounded("build", str(path), "-o", str(out),
                                              "--format", "docx")
    assert code == 1 and "Traceback" not in stderr, stderr
    _, line, _, message = one_error(stderr, "clause.text")
    assert line == TEXT_LINE and f"more than {MAX_ITERATIONS} times" in message
    assert peak < 300, (seconds, peak)
    assert not out.exists()


def test_nested_loops_share_one_budget(deal):
    path = deal("{% for i in range(1000) %}{% for j in range(1000) %}{% endfor %}{% endfor %}")
    result, out = build(path)
    assert f"more than {MAX_ITERATIONS}" in assert_refused_text(
        result, out, path.parent / "lib" / "evil.yaml")


@pytest.mark.parametrize("text", ["{{ 'x' * 10**9 }}", "{{ [1] * 10**9 }}",
                                  "{{ 10 ** (10**9) }}", "{{ 2 ** 100000 }}"])
def test_huge_values_are_refused_before_they_are_built(deal, text):
    path = deal(text)
    result, out = build(path)
    message = assert_refused_text(result, out, path.parent / "lib" / "evil.yaml")
    assert "sandbox" in message


def test_output_larger_than_the_cap_is_refused(deal):
    path = deal("{% for i in range(20000) %}0123456789{% endfor %}")   # 200 000 characters
    result, out = build(path)
    message = assert_refused_text(result, out, path.parent / "lib" / "evil.yaml")
    assert f"more than {MAX_OUTPUT} characters" in message


def test_output_just_under_the_cap_builds(deal):
    path = deal("{% for i in range(900) %}Texte long. {% endfor %}")
    result, out = build(path)
    assert result.exit_code == 0, result.output
    docx_is_valid((out / "T-1.docx").read_bytes())


def test_lipsum_cannot_hang_a_build(deal):
    path = deal("{{ lipsum(10**6) }}")
    code, stderr, seconds, peak = run_bounded("build", str(path), "-o",
                                              str(path.parent / "out"), "--format", "docx",
                                              timeout=8)
    assert code == 1, (code, seconds)
    one_error(stderr, "clause.text")


def test_loops_over_long_strings_draw_on_the_budget(deal):
    path = deal('{% set s = "x"|center(99999) %}'
                "{% for a in s %}{% for b in s %}{% endfor %}{% endfor %}")
    code, stderr, seconds, peak = run_bounded("build", str(path), "-o",
                                              str(path.parent / "out"), "--format", "docx",
                                              timeout=8)
    assert code == 1, (code, seconds)
    assert f"more than {MAX_ITERATIONS}" in one_error(stderr, "clause.text")[3]


def test_percent_formatting_cannot_build_a_huge_string(deal):
    path = deal("{{ '%0999999999d' % 1 }}")
    code, stderr, seconds, peak = run_bounded("build", str(path), "-o",
                                              str(path.parent / "out"), "--format", "docx",
                                              timeout=8)
    assert code == 1 and "Traceback" not in stderr, stderr[-2000:]
    assert "sandbox" in one_error(stderr, "clause.text")[3]
    assert peak < 300, peak


@pytest.mark.parametrize("text", ["{{ 'x'.ljust(5 * 10**8) }}", "{{ 'x'|center(5 * 10**8) }}"])
def test_padding_cannot_build_a_huge_string(deal, text):
    path = deal(text)
    code, stderr, seconds, peak = run_bounded("build", str(path), "-o",
                                              str(path.parent / "out"), "--format", "docx")
    assert code == 1, stderr
    one_error(stderr, "clause.text")
    assert peak < 300, peak


@pytest.mark.parametrize("op", ["+", "~"])
def test_doubling_a_string_is_stopped_by_a_limit(deal, op):
    path = deal('{% set ns = namespace(s="xx") %}{% for i in range(40) %}'
                f"{{% set ns.s = ns.s {op} ns.s %}}{{% endfor %}}{{{{ ns.s|length }}}}")
    code, stderr, seconds, peak = run_bounded("build", str(path), "-o",
                                              str(path.parent / "out"), "--format", "docx")
    assert code == 1, stderr
    message = one_error(stderr, "clause.text")[3]
    assert str(MAX_SIZE) in message or "sandbox" in message, message
    assert peak < 300, peak


def test_join_cannot_build_a_huge_string(deal):
    path = deal('{% set s = "x"|center(999999) %}{{ ([s, s, s, s, s, s, s, s, s, s] * 99)|join }}')
    code, stderr, seconds, peak = run_bounded("build", str(path), "-o",
                                              str(path.parent / "out"), "--format", "docx")
    assert code == 1, stderr
    one_error(stderr, "clause.text")
    assert peak < 300, peak


def test_lint_stops_an_endless_clause_too(tmp_path):
    (tmp_path / "evil.yaml").write_text(
        clause_yaml(json.dumps("{% for i in range(10**9) %}{% endfor %}")), "utf-8")
    code, stderr, seconds, peak = run_bounded("lint", str(tmp_path))
    assert code == 1 and "Traceback" not in stderr, stderr
    assert one_error(stderr, "clause.text")[1] == TEXT_LINE
    assert peak < 300, (seconds, peak)


# --- what a clause text renders must fit in a DOCX ------------------------------------

@pytest.mark.parametrize("text", ["avant{{ '\\x01' }}après", "avant\x1baprès",
                                  "avant{{ '\\x00' }}après", "avant{{ '\\ufffe' }}après"])
def test_control_character_from_a_clause_never_breaks_the_docx(deal, text):
    path = deal(text)
    result, out = build(path)
    if result.exit_code == 0:
        docx_is_valid((out / "T-1.docx").read_bytes())
    else:
        assert_refused_text(result, out, path.parent / "lib" / "evil.yaml")


def test_lone_surrogate_from_a_clause_is_refused(deal):
    path = deal("avant{{ '\\ud800' }}après")
    result, out = build(path)
    assert_refused_text(result, out, path.parent / "lib" / "evil.yaml")


def test_markup_characters_from_a_clause_are_printed(deal):
    path = deal("A & B <w:p/> \"C\" 'D' ]]> &amp; {{ provider.name }} 🙂")
    result, out = build(path)
    assert result.exit_code == 0, result.output
    data = (out / "T-1.docx").read_bytes()
    docx_is_valid(data)
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)
    assert "A & B <w:p/> \"C\" 'D' ]]> &amp; Atelier Dupont 🙂" in text


# --- hostile DOCX templates run in the same sandbox -----------------------------------

def hostile_template(tmp_path: Path, expression: str) -> Path:
    source = ROOT / "templates" / "contract.docx"
    target = tmp_path / "letterhead.docx"
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "word/document.xml":
                data = data.replace(b"{{ document.title }}", expression.encode(), 1)
            zout.writestr(info, data)
    return target


@pytest.mark.parametrize("expression", ["{{ ''.__class__.__mro__ }}",
                                        "{% for i in range(10**9) %}{% endfor %}",
                                        "{{ 'x' * 10**9 }}"])
def test_hostile_template_is_refused(tmp_path, expression):
    hostile_template(tmp_path, expression)
    path = tmp_path / "client.yaml"
    path.write_text(MINIMAL.replace("place: Paris", "place: Paris\n  template: letterhead.docx"),
                    "utf-8")
    result, out = build(path)
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    # located at the client file's document.template line, naming the template's part
    assert re.search(r"client\.yaml:\d+:\d+: error: template 'letterhead\.docx': "
                     r"word/document\.xml: .*sandbox.* \[template\]", result.output), \
        result.output
    assert not out.exists() or not any(out.iterdir())


# --- paths in client.yaml stay in its folder ------------------------------------------

@pytest.mark.parametrize("line, where", [
    ("library: ../elsewhere", (26, 10)),
    ("library: {path: /etc, layer: false}", (26, 17)),
    ("annexes: [{path: ../../etc/passwd, title: X}]", (26, 18)),
    ("annexes: [{path: /etc/passwd, title: X}]", (26, 18)),
])
def test_path_outside_the_input_folder_is_refused(tmp_path, line, where):
    path = tmp_path / "client.yaml"
    path.write_text(MINIMAL + line + "\n", "utf-8")
    for command in ("check", "build"):
        args = [command, str(path)] + (["-o", str(tmp_path / "out"), "--format", "docx"]
                                       if command == "build" else [])
        result = cli(*args)
        assert result.exit_code == 1, result.output
        file, l, c, message = one_error(result.output, "path.outside")
        assert (file, l, c) == (str(path), *where)
        assert "--allow-outside-paths" in message
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("value", ["../../../etc/passwd", "/etc/passwd", "sub/../../x.docx"])
def test_template_outside_the_input_folder_is_refused(tmp_path, value):
    path = tmp_path / "client.yaml"
    path.write_text(MINIMAL.replace("place: Paris", f"place: Paris\n  template: {value}"),
                    "utf-8")
    result, out = build(path)
    assert result.exit_code == 1
    assert one_error(result.output, "path.outside")[1:3] == (6, 13)
    assert not out.exists()


def test_symlink_leading_outside_is_refused(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "evil.yaml").write_text(clause_yaml('"ok"'), "utf-8")
    inside = tmp_path / "input"
    inside.mkdir()
    (inside / "lib").symlink_to(outside, target_is_directory=True)
    path = inside / "client.yaml"
    path.write_text(MINIMAL + "library: lib\n", "utf-8")
    result, _ = build(path)
    assert result.exit_code == 1
    assert one_error(result.output, "path.outside")[1:3] == (26, 10)


def test_allow_outside_paths_permits_a_library_elsewhere(tmp_path):
    outside = tmp_path / "firm-library"
    outside.mkdir()
    (outside / "evil.yaml").write_text(clause_yaml('"Clause du cabinet."'), "utf-8")
    (tmp_path / "input").mkdir()
    path = tmp_path / "input" / "client.yaml"
    path.write_text(MINIMAL + "library: {path: ../firm-library, layer: false}\n"
                    "clauses: [evil]\n", "utf-8")
    refused, out = build(path)
    assert refused.exit_code == 1 and not out.exists()
    allowed, out = build(path, "--allow-outside-paths")
    assert allowed.exit_code == 0, allowed.output
    assert "Clause du cabinet." in "\n".join(
        p.text for p in docx.Document(out / "T-1.docx").paragraphs)
