"""The per-document speed-ups of the DOCX path change no byte: every sample and a run
of the benchmark's varied contracts give the same DOCX with the memos of the batch path
in use (warm, as in a batch) and with them off."""
from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import pytest

from contratgen.diagnostics import UserError
from contratgen.library.texts import MEMO
from contratgen.pipeline import prepare, render_document

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from inputs import write_contracts  # noqa: E402


def digests(paths) -> dict[str, str]:
    found = {}
    for path in paths:
        try:
            found[path.name] = hashlib.sha256(render_document(prepare(path))).hexdigest()
        except UserError as exc:
            found[path.name] = f"error {exc.diagnostics}"
    return found


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    folder = write_contracts(tmp_path_factory.mktemp("varied"), 24)
    return sorted((ROOT / "samples").rglob("*.yaml")) + sorted(folder.glob("*.yaml"))


def test_the_memos_change_no_byte(inputs):
    MEMO.clear()
    MEMO.enabled = False
    try:
        plain = digests(inputs)
    finally:
        MEMO.enabled = True
    digests(inputs)                   # every text seen once: the memo in use from now on
    warm = digests(inputs)
    assert len(MEMO) > 0
    assert warm == plain
    assert sum(not v.startswith("error") for v in plain.values()) >= 40
