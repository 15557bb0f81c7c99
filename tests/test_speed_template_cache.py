"""The compiled-template cache on disk: a second process renders the same bytes from it,
without importing docxtpl; a damaged cache file is ignored, never trusted."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ("import hashlib, sys; from pathlib import Path\n"
         "from contratgen.pipeline import prepare, render_document\n"
         "docx = render_document(prepare(Path('samples/contract-b2b.yaml')))\n"
         "print(hashlib.sha256(docx).hexdigest(), 'docxtpl' in sys.modules)")


def _build(cache: Path) -> tuple[str, str]:
    env = dict(os.environ, CONTRATGEN_CACHE_DIR=str(cache))
    run = subprocess.run([sys.executable, "-c", BUILD], cwd=ROOT, env=env,
                         capture_output=True, text=True, check=True)
    digest, imported = run.stdout.split()
    return digest, imported


def test_a_second_process_uses_the_cache_and_renders_the_same_bytes(tmp_path):
    first = _build(tmp_path)
    assert list((tmp_path / "templates").glob("*.marshal"))
    second = _build(tmp_path)
    assert first == (second[0], "True") and second[1] == "False"


def test_a_damaged_cache_file_is_ignored(tmp_path):
    expected, _ = _build(tmp_path)
    for cached in (tmp_path / "templates").glob("*.marshal"):
        cached.write_bytes(cached.read_bytes()[:40])
    assert _build(tmp_path) == (expected, "True")
