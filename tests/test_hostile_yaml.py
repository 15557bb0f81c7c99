"""Hostile client.yaml files: each is refused fast, with a located diagnostic, in bounded
memory, and nothing is written (SECURITY.md, "Limits").

Bombs that could take the machine down run in a child process with a 1 GiB address
space limit and a timeout; the bounds asserted are generous ceilings, not benchmarks.
"""
from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from contratgen.cli import main
from conftest import run_bounded
from contratgen.load.source import MAX_DEPTH, MAX_FILE_BYTES, MAX_NODES

MINIMAL = (Path(__file__).parent / "fixtures" / "minimal.yaml").read_text("utf-8")

def cli(*args: str):
    return CliRunner().invoke(main, list(args))


def diagnostic(output: str, path: Path, code: str) -> tuple[int, int]:
    """The line and column of the one error ``[code]`` about ``path``."""
    found = re.findall(rf"^{re.escape(str(path))}:(\d+):(\d+): error: .+ \[{re.escape(code)}\]$",
                       output, re.M)
    assert found, f"no located [{code}] error for {path} in:\n{output}"
    return int(found[0][0]), int(found[0][1])


def assert_refused(result, path: Path, code: str, out: Path) -> tuple[int, int]:
    output = result.output if hasattr(result, "output") else result.stderr
    assert "Traceback" not in output, output
    if hasattr(result, "exception") and result.exception is not None:
        assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert (result.exit_code if hasattr(result, "exit_code") else result.code) == 1, output
    assert not out.exists() or not any(out.iterdir()), "something was written"
    return diagnostic(output, path, code)


def build(path: Path, out: Path):
    return cli("build", str(path), "-o", str(out), "--format", "docx")


# --- bombs: bounded in time and memory ---------------------------------------------

def billion_laughs(levels: int = 9) -> str:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [" + ", ".join([f"*{prev}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def test_billion_laughs_is_refused_fast_in_bounded_memory(tmp_path):
    path = tmp_path / "bomb.yaml"
    path.write_text(billion_laughs() + MINIMAL, "utf-8")  # 9**9 strings once expanded
    out = tmp_path / "out"
    run = run_bounded("build", str(path), "-o", str(out), "--format", "docx")
    line, col = assert_refused(run, path, "yaml.too-large", out)
    assert 1 <= line <= 9 and col >= 1          # inside the bomb, not 1:1 by default
    assert "aliases" in run.stderr
    assert run.peak_mb < 300, run.peak_mb


def test_alias_bomb_under_a_real_field_is_refused(tmp_path):
    # 4 levels of anchors are harmless (9**4 nodes); the field that fans them out 9 more
    # times passes the limit; the error points into the anchored nodes being expanded
    anchors = "x-anchors:\n  " + billion_laughs(4).replace("\n", "\n  ").rstrip() + "\n"
    fan = "[" + ", ".join(["*d"] * 9) + "]"
    path = tmp_path / "bomb.yaml"
    path.write_text(anchors + MINIMAL + f"waive:\n  - rule: x\n    reason: {fan}\n", "utf-8")
    out = tmp_path / "out"
    line, _ = assert_refused(build(path, out), path, "yaml.too-large", out)
    assert 1 <= line <= 5


def test_recursive_alias_is_refused(tmp_path):
    path = tmp_path / "loop.yaml"
    path.write_text(MINIMAL + "waive: &w [*w]\n", "utf-8")
    out = tmp_path / "out"
    line, _ = assert_refused(build(path, out), path, "yaml.too-deep", out)
    assert line == MINIMAL.count("\n") + 1


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 100_000])
def test_deeply_nested_flow_sequence_is_refused_at_the_limit(tmp_path, depth):
    path = tmp_path / "deep.yaml"
    path.write_text("items: " + "[" * depth + "]" * depth + "\n", "utf-8")
    out = tmp_path / "out"
    # libyaml's composer recurses on the C stack: a crash must stay in the child
    run = run_bounded("build", str(path), "-o", str(out), "--format", "docx")
    line, col = assert_refused(run, path, "yaml.too-deep", out)
    # the first bracket beyond the limit, or where libyaml's own limit stopped its scanner
    assert line == 1 and col == (7 + MAX_DEPTH if depth == MAX_DEPTH + 1 else 1007)
    assert run.peak_mb < 300, (run.seconds, run.peak_mb)


def test_deeply_nested_block_mapping_is_located(tmp_path):
    lines = [" " * i + f"k{i}:" for i in range(MAX_DEPTH + 5)]
    path = tmp_path / "deep.yaml"
    path.write_text("\n".join(lines) + " end\n", "utf-8")
    out = tmp_path / "out"
    line, _ = assert_refused(build(path, out), path, "yaml.too-deep", out)
    assert line == MAX_DEPTH + 1


def test_too_many_nodes_is_refused(tmp_path):
    path = tmp_path / "wide.yaml"
    path.write_text(MINIMAL + "waive: [" + ", ".join(["1"] * (MAX_NODES + 10)) + "]\n", "utf-8")
    assert path.stat().st_size < MAX_FILE_BYTES
    out = tmp_path / "out"
    line, _ = assert_refused(build(path, out), path, "yaml.too-large", out)
    assert line == MINIMAL.count("\n") + 1


def test_file_over_the_size_limit_is_refused_without_parsing(tmp_path):
    path = tmp_path / "huge.yaml"
    path.write_bytes(MINIMAL.encode() + b"# " + b"x" * MAX_FILE_BYTES + b"\n")
    out = tmp_path / "out"
    start = time.monotonic()
    result = build(path, out)
    assert time.monotonic() - start < 5
    assert assert_refused(result, path, "yaml.too-large", out) == (1, 1)
    assert str(MAX_FILE_BYTES) in result.output


def test_endless_file_behind_a_symlink_is_refused_in_bounded_memory(tmp_path):
    path = tmp_path / "client.yaml"
    os.symlink("/dev/zero", path)      # st_size 0, endless content
    out = tmp_path / "out"
    run = run_bounded("build", str(path), "-o", str(out), "--format", "docx")
    assert run.code == 1 and "Traceback" not in run.stderr, run.stderr
    # a property of the whole file, so no line:col
    assert re.search(rf"^{re.escape(str(path))}: error: .+ \[io\.not-a-file\]$", run.stderr,
                     re.M), run.stderr
    assert not out.exists()
    assert run.peak_mb < 300, (run.seconds, run.peak_mb)


# --- encodings and garbage ---------------------------------------------------------

def test_binary_garbage_is_refused(tmp_path):
    path = tmp_path / "garbage.yaml"
    path.write_bytes(bytes(range(256)) * 64)
    out = tmp_path / "out"
    assert assert_refused(build(path, out), path, "yaml.encoding", out) == (1, 1)


def test_latin1_file_is_refused_at_the_first_bad_byte(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes(MINIMAL.encode("latin-1"))   # "Marché" on the client's address line
    out = tmp_path / "out"
    line, col = assert_refused(build(path, out), path, "yaml.encoding", out)
    row = MINIMAL.splitlines().index('  address: "3 place du Marché, 69002 Lyon"')
    assert (line, col) == (row + 1, MINIMAL.splitlines()[row].index("é") + 1)


def test_utf16_file_is_refused(tmp_path):
    path = tmp_path / "utf16.yaml"
    path.write_bytes(MINIMAL.encode("utf-16"))
    out = tmp_path / "out"
    assert_refused(build(path, out), path, "yaml.encoding", out)


def test_utf8_bom_is_accepted(tmp_path):
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + MINIMAL.encode())
    result = build(path, tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "T-1.docx").exists()


def test_raw_control_character_is_located(tmp_path):
    path = tmp_path / "ctl.yaml"
    path.write_bytes(MINIMAL.replace("Prestation", "Pre\x01station").encode())
    out = tmp_path / "out"
    line, col = assert_refused(build(path, out), path, "yaml.syntax", out)
    row = MINIMAL.splitlines().index(
        "  - {description: Prestation, quantity: 1, unit_price: 100, vat_rate: 20}")
    assert (line, col) == (row + 1, 22)


# --- YAML features that are refused -------------------------------------------------

def test_duplicate_key_is_refused_at_the_second_key(tmp_path):
    path = tmp_path / "dup.yaml"
    path.write_text(MINIMAL.replace("  place: Paris\n", "  place: Paris\n  place: Lyon\n"),
                    "utf-8")
    out = tmp_path / "out"
    assert assert_refused(build(path, out), path, "yaml.duplicate-key", out) == (6, 3)


def test_duplicate_top_level_section_is_refused(tmp_path):
    path = tmp_path / "dup.yaml"
    path.write_text(MINIMAL + "items: []\n", "utf-8")
    out = tmp_path / "out"
    line, col = assert_refused(build(path, out), path, "yaml.duplicate-key", out)
    assert (line, col) == (MINIMAL.count("\n") + 1, 1)


def test_merge_key_is_refused(tmp_path):
    path = tmp_path / "merge.yaml"
    path.write_text(MINIMAL.replace("client:\n", "client:\n  <<: {kind: business}\n"), "utf-8")
    out = tmp_path / "out"
    line, _ = assert_refused(build(path, out), path, "yaml.merge", out)
    assert line == MINIMAL.splitlines().index("client:") + 2


def test_python_tag_on_a_scalar_is_refused_and_never_run(tmp_path):
    marker = tmp_path / "pwned"
    path = tmp_path / "tag.yaml"
    path.write_text(MINIMAL.replace(
        "place: Paris", f"place: !!python/object/apply:os.system 'touch {marker}'"), "utf-8")
    out = tmp_path / "out"
    assert assert_refused(build(path, out), path, "yaml.tag", out) == (5, 10)
    assert not marker.exists()


def test_python_tag_on_a_mapping_is_refused(tmp_path):
    path = tmp_path / "tag.yaml"
    path.write_text(MINIMAL.replace("client:\n", "client: !!python/object:os.Popen\n"),
                    "utf-8")
    out = tmp_path / "out"
    line, col = assert_refused(build(path, out), path, "yaml.tag", out)
    assert line == MINIMAL.splitlines().index("client:") + 1


@pytest.mark.parametrize("value", [".inf", "-.inf", ".nan", ".NaN"])
def test_infinite_numbers_are_refused(tmp_path, value):
    path = tmp_path / "inf.yaml"
    path.write_text(MINIMAL.replace("unit_price: 100", f"unit_price: {value}"), "utf-8")
    out = tmp_path / "out"
    line, _ = assert_refused(build(path, out), path, "yaml.number", out)
    assert line == 21


def test_several_documents_in_one_file_are_refused(tmp_path):
    path = tmp_path / "two.yaml"
    path.write_text(MINIMAL + "---\n" + MINIMAL, "utf-8")
    out = tmp_path / "out"
    line, _ = assert_refused(build(path, out), path, "yaml.syntax", out)
    assert line == MINIMAL.count("\n") + 1


@pytest.mark.parametrize("text, code", [("", "yaml.empty"), ("# nothing\n", "yaml.empty"),
                                        ("just a string\n", "client"),
                                        ("[1, 2]\n", "client"),
                                        ("{unclosed: [\n", "yaml.syntax")])
def test_not_a_client_file_is_refused(tmp_path, text, code):
    path = tmp_path / "odd.yaml"
    path.write_text(text, "utf-8")
    out = tmp_path / "out"
    assert_refused(build(path, out), path, code, out)


def test_integer_with_thousands_of_digits_is_refused(tmp_path):
    path = tmp_path / "bigint.yaml"
    path.write_text(MINIMAL.replace("quantity: 1,", "quantity: 1" + "0" * 5000 + ","), "utf-8")
    out = tmp_path / "out"
    assert assert_refused(build(path, out), path, "yaml.number", out) == (21, 41)


@pytest.mark.parametrize("text", ["1", "0", "maybe", "y", "n", "''", "vrai"])
def test_a_bool_tag_on_a_value_that_is_no_bool_is_refused_not_false(text):
    from contratgen.diagnostics import UserError
    from contratgen.load.source import load_bytes
    with pytest.raises(UserError) as caught:
        load_bytes(f"flag: !!bool {text}\n".encode(), "x.yaml")
    (problem,) = caught.value.diagnostics
    assert (problem.line, problem.col, problem.code) == (1, 7, "yaml.tag")


@pytest.mark.parametrize("text, value", [("true", True), ("Yes", True), ("ON", True),
                                         ("false", False), ("no", False), ("Off", False)])
def test_a_bool_tag_reads_yaml_booleans(text, value):
    from contratgen.load.source import load_bytes
    assert load_bytes(f"flag: !!bool {text}\n".encode(), "x.yaml").data == {"flag": value}
