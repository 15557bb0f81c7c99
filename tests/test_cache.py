"""The disk caches: Jinja's bytecode cache and JSON verdicts, in a private folder.

A second process renders the same bytes from a warm cache; a damaged entry is a miss; a
folder another account could write is refused; ``off`` writes nothing; no module of ours
loads pickle or marshal data."""
from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BUILD = ("import hashlib; from pathlib import Path\n"
         "from contratgen.pipeline import prepare, render_document\n"
         "print(hashlib.sha256(render_document(prepare(Path('samples/contract-b2b.yaml'))))"
         ".hexdigest())")


def _build(cache: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, CONTRATGEN_CACHE_DIR=cache)
    return subprocess.run([sys.executable, "-c", BUILD], cwd=ROOT, env=env,
                          capture_output=True, text=True)


def _digest(cache: str) -> str:
    run = _build(cache)
    assert run.returncode == 0, run.stderr
    return run.stdout.strip()


def test_a_warm_cache_renders_the_same_bytes_and_holds_only_bytecode_and_json(tmp_path):
    cold = _digest(str(tmp_path / "c"))
    files = [p for p in (tmp_path / "c").rglob("*") if p.is_file()]
    assert {p.relative_to(tmp_path / "c").parts[0] for p in files} == {"jinja", "verdicts"}
    assert all(p.suffix in (".cache", ".json") for p in files)
    assert _digest(str(tmp_path / "c")) == cold == _digest("off")


@pytest.mark.parametrize("damage", [lambda b: b[:40], lambda b: b"", lambda b: b"x" * 200])
def test_a_damaged_entry_is_a_miss(tmp_path, damage):
    expected = _digest(str(tmp_path / "c"))
    for entry in (tmp_path / "c").rglob("*"):
        if entry.is_file():
            entry.write_bytes(damage(entry.read_bytes()))
    assert _digest(str(tmp_path / "c")) == expected


def test_off_writes_no_cache_anywhere(tmp_path):
    env = dict(os.environ, CONTRATGEN_CACHE_DIR="off", XDG_CACHE_HOME=str(tmp_path / "x"),
               HOME=str(tmp_path / "home"))
    run = subprocess.run([sys.executable, "-c", BUILD], cwd=ROOT, env=env,
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert not (tmp_path / "x").exists() and not (tmp_path / "home").exists()


def test_a_cache_folder_others_can_write_is_refused(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    run = _build(str(shared))
    assert run.returncode != 0 and "can be read or written by other accounts" in run.stderr
    assert list(shared.iterdir()) == []


def _loads_pickle_or_marshal(tree: ast.AST) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import) and any(
                a.name.split(".")[0] in ("pickle", "marshal", "shelve") for a in node.names):
            return True
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in (
                "pickle", "marshal", "shelve"):
            return True
    return False


def test_no_module_of_ours_imports_pickle_or_marshal():
    found = [str(p.relative_to(ROOT)) for p in (ROOT / "contratgen").rglob("*.py")
             if _loads_pickle_or_marshal(ast.parse(p.read_text("utf-8")))]
    assert found == []
