"""The sandbox budget (SECURITY.md): every render of a clause text or a template part is
bounded in loop turns, calls, call depth, integer size, container size and total work.
Each attack below ends in a located error in well under a second (timed in process),
and in bounded memory (run in a child limited to 1 GiB).
"""
from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import run_bounded
from contratgen.library.budget import MAX_BUILT, MAX_CALLS, MAX_DEPTH, MAX_INT_DIGITS, \
    MAX_ITERATIONS, MAX_SIZE
from contratgen.cli import main
from contratgen.library.loader import load_clause
from contratgen.library.texts import ClauseTextError, render_text
from contratgen.clause_lint import sample_context
from hostile_files import client_with_template, docx_with
from support.clauses import TEXT_LINE, clause_yaml

MINIMAL = (Path(__file__).parent / "fixtures" / "minimal.yaml").read_text("utf-8")

N = MAX_ITERATIONS
BIG = "{% set big = [0] * 999999 %}{% set l = [] %}" \
      "{% for i in range(2000) %}{% set _ = l.append(big) %}{% endfor %}"
ATTACKS = {
    "str.format with thousands of placeholders":
        ("{% set s = 'x' * 99999 %}{{ ('{0}' * 5000).format(s) }}",
         f"a formatted text larger than {MAX_SIZE}"),
    "format_map with thousands of placeholders":
        ("{% set s = 'x' * 99999 %}{{ ('{a}' * 5000).format_map({'a': s}) }}",
         f"a formatted text larger than {MAX_SIZE}"),
    "str.format with thousands of wide fields":
        ("{{ ('{0:>999999}' * 1000).format('x') }}", f"a formatted text larger than {MAX_SIZE}"),
    "exponential macro recursion":
        ("{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}"
         "{{ f(40) }}", f"more than {MAX_CALLS} calls"),
    "endless macro recursion":
        ("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}", f"nested more than {MAX_DEPTH}"),
    "repeated integer squaring":
        ("{% set ns = namespace(x=3) %}{% for i in range(64) %}{% set ns.x = ns.x * ns.x %}"
         "{% endfor %}{{ ns.x }}", f"more than {MAX_INT_DIGITS} digits"),
    "power tower":
        ("{{ ((9 ** 64) ** 64) ** 64 }}", f"more than {MAX_INT_DIGITS} digits"),
    "heavy work in each turn":
        (f"{{% for i in range({N}) %}}{{% set s = 'x' * 999999 %}}{{% endfor %}}",
         f"more than {MAX_BUILT} characters"),
    "a long scan in each turn":
        (f"{{% set s = 'x' * 999999 %}}{{% for i in range({N}) %}}{{% if 'y' in s %}}"
         "{% endif %}{% endfor %}", f"more than {MAX_BUILT} characters"),
    "a copy in each turn":
        (f"{{% set s = 'x' * 999999 %}}{{% for i in range({N}) %}}{{% set t = s[::-1] %}}"
         "{% endfor %}", f"more than {MAX_BUILT} characters"),
    "a sort in each turn":
        (f"{{% set s = range({N})|list %}}{{% for i in range({N}) %}}{{% set t = s|sort %}}"
         "{% endfor %}", f"more than {MAX_BUILT} characters"),
    "endless recursive loop()":
        ("{% for i in range(2) recursive %}{{ loop(range(2)) }}{% endfor %}",
         f"nested more than {MAX_DEPTH}"),
    "wide recursive loop()":
        ("{% for i in range(1000) recursive %}{% if loop.depth < 4 %}{{ loop(range(1000)) }}"
         "{% endif %}{% endfor %}", f"more than {MAX_ITERATIONS} times"),
    "|slice into a million parts":
        ("{{ range(10)|slice(999999)|list|length }}", "|slice(999999)"),
    "|batch padded to a million":
        ("{{ range(10)|batch(999999, 'x')|list|length }}", "|batch(999999)"),
    "|sum of a list of big lists": (BIG + "{{ (l|sum(start=[]))|length }}",
                                    f"larger than {MAX_SIZE}"),
    "printing a list of big lists": (BIG + "{{ l }}", f"larger than {MAX_SIZE}"),
    "joining a list of big lists": (BIG + "{{ l|join(',') }}", f"larger than {MAX_SIZE}"),
    "concatenating a list of big lists": (BIG + "{{ 'a' ~ l }}", f"larger than {MAX_SIZE}"),
    "formatting a list of big lists": (BIG + "{{ '%s' % (l,) }}", f"larger than {MAX_SIZE}"),
    "l.extend(l)":
        ("{% set l = [1] %}{% for i in range(64) %}{% set _ = l.extend(l) %}{% endfor %}"
         "{{ l|length }}", f"larger than {MAX_SIZE}"),
    "|replace of every gap":
        ("{{ ('x' * 1000)|replace('', 'y' * 10000) }}", f"larger than {MAX_SIZE}"),
    "str.replace of every gap":
        ("{{ ('x' * 1000).replace('', 'y' * 10000) }}", f"larger than {MAX_SIZE}"),
}


@pytest.fixture
def clause(tmp_path):
    def _clause(text: str) -> Path:
        (tmp_path / "lib").mkdir(exist_ok=True)
        path = tmp_path / "lib" / "evil.yaml"
        path.write_text(clause_yaml(json.dumps(text)), "utf-8")
        return path
    return _clause


def client_using(lib_clause: Path) -> Path:
    path = lib_clause.parent.parent / "client.yaml"
    path.write_text(MINIMAL + "library: {path: lib, layer: false}\nclauses: [evil]\n", "utf-8")
    return path


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_each_attack_on_a_clause_text_stops_fast(clause, name):
    text, reason = ATTACKS[name]
    loaded, diags = load_clause(clause(text))
    assert loaded is not None and not diags, diags
    context = sample_context("contract", "business", "fr")
    started = time.process_time()   # CPU time: other processes on the machine do not count
    with pytest.raises(ClauseTextError) as refused:
        render_text(loaded, "fr", context)
    assert time.process_time() - started < 1.0
    assert "refused by the sandbox" in str(refused.value) and reason in str(refused.value)


@pytest.mark.parametrize("name", ["exponential macro recursion", "repeated integer squaring",
                                  "printing a list of big lists", "l.extend(l)",
                                  "str.format with thousands of placeholders",
                                  "format_map with thousands of placeholders",
                                  "|batch padded to a million", "heavy work in each turn"])
def test_each_attack_is_a_located_error_in_bounded_memory(clause, name):
    text, reason = ATTACKS[name]
    path = client_using(clause(text))
    run = run_bounded("build", str(path), "-o", str(path.parent / "out"), "--format", "docx")
    assert run.code == 1 and "Traceback" not in run.stderr, run.stderr
    found = re.findall(r"evil\.yaml:(\d+):\d+: error: (.+) \[clause\.text\]", run.stderr)
    assert found and int(found[0][0]) == TEXT_LINE and reason in found[0][1], run.stderr
    assert run.peak_mb < 300, run


@pytest.mark.parametrize("name", ["exponential macro recursion", "power tower",
                                  "printing a list of big lists", "wide recursive loop()"])
def test_each_attack_in_a_template_is_refused(tmp_path, name):
    text, reason = ATTACKS[name]
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    docx_with(tmp_path / "letterhead.docx", {"word/document.xml": lambda d: d.replace(
        b"<w:body>", f"<w:body><w:p><w:r><w:t>{escaped}</w:t></w:r></w:p>".encode(), 1)})
    client = client_with_template(tmp_path)
    run = run_bounded("build", str(client), "-o", str(tmp_path / "out"), "--format", "docx")
    assert run.code == 1 and "Traceback" not in run.stderr, run.stderr
    assert re.search(r"client-T-1\.yaml:6:13: error: template 'letterhead\.docx': word/"
                     r"document\.xml: refused by the sandbox: .*" + re.escape(reason),
                     run.stderr), run.stderr
    assert run.peak_mb < 300, run


def test_a_real_contract_stays_far_from_the_budget(tmp_path):
    """1 000 lines (the most a document may have) build with the shipped template."""
    lines = "".join(f"  - {{description: Ligne {i}, quantity: 1, unit_price: 1, vat_rate: 20}}\n"
                    for i in range(1000))
    path = tmp_path / "client.yaml"
    path.write_text(re.sub(r"items:\n  - .*\n", "items:\n" + lines, MINIMAL), "utf-8")
    result = CliRunner().invoke(main, ["build", str(path), "-o", str(tmp_path / "out"),
                                       "--format", "docx"])
    assert result.exit_code == 0, result.output


# --- nesting too deep for Python's compiler or Jinja's parser ----------------------------

DEEP = {
    "nested blocks": "{% if true %}" * 120 + "x" + "{% endif %}" * 120,
    "nested parentheses": "{{ " + "(" * 5000 + "1" + ")" * 5000 + " }}",
    "nested lists": "{{ " + "[" * 5000 + "]" * 5000 + " }}",
}


@pytest.mark.parametrize("name", sorted(DEEP))
def test_deep_nesting_in_a_clause_is_located_at_build_and_lint(clause, name):
    path = clause(DEEP[name])
    client = client_using(path)
    runner = CliRunner()
    for args in (["build", str(client), "-o", str(client.parent / "out"), "--format", "docx"],
                 ["check", str(client)], ["lint", str(path.parent)]):
        result = runner.invoke(main, args)
        assert result.exit_code == 1, (args, result.output)
        assert "Traceback" not in result.output and not (
            result.exception and not isinstance(result.exception, SystemExit)), result.output
        assert re.search(r"evil\.yaml:8:\d+: error: .*nested too deeply", result.output), \
            (args, result.output)


@pytest.mark.parametrize("name", sorted(DEEP))
def test_deep_nesting_in_a_template_is_located(tmp_path, name):
    text = DEEP[name]
    docx_with(tmp_path / "letterhead.docx", {"word/document.xml": lambda d: d.replace(
        b"<w:body>", f"<w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p>".encode(), 1)})
    result = CliRunner().invoke(main, ["build", str(client_with_template(tmp_path)), "-o",
                                       str(tmp_path / "out"), "--format", "docx"])
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    assert re.search(r"client-T-1\.yaml:6:13: error: template 'letterhead\.docx': "
                     r"word/document\.xml: .*nested too deeply", result.output), result.output
