"""The speed work changes how DOCX are written, never what: every sample's DOCX has the
bytes it had before (digests recorded in tests/data/sample_docx_sha256.json, made by the
writer as it was before the optimisations)."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from contratgen.build import prepare, render_document

ROOT = Path(__file__).resolve().parent.parent
EXPECTED = json.loads((ROOT / "tests" / "data" / "sample_docx_sha256.json").read_text())


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sample_docx_bytes_unchanged(name):
    docx = render_document(prepare(ROOT / "samples" / name))
    assert hashlib.sha256(docx).hexdigest() == EXPECTED[name]


def test_every_sample_is_covered():
    assert sorted(p.name for p in (ROOT / "samples").glob("*.yaml")) == sorted(EXPECTED)
