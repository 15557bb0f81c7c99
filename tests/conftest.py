from __future__ import annotations

import io
import shutil
import textwrap
from pathlib import Path

import docx
import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
MINIMAL_PATH = FIXTURES / "minimal.yaml"


def docx_text(data: bytes) -> str:
    """Every paragraph of a DOCX, tables, headers and footers included, one per line."""
    document = docx.Document(io.BytesIO(data))
    lines = []

    def walk(container):
        for p in container.paragraphs:
            lines.append(p.text)
        for table in getattr(container, "tables", []):
            for row in table.rows:
                for cell in row.cells:
                    walk(cell)

    walk(document)
    for section in document.sections:
        walk(section.header)
        walk(section.footer)
    return "\n".join(lines)


@pytest.fixture
def write(tmp_path):
    """write("name.yaml", text) → path, text dedented."""
    def _write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path
    return _write


@pytest.fixture
def sample(tmp_path):
    """Copy a shipped sample into tmp_path (so tests may edit it) and return its path."""
    def _sample(name: str) -> Path:
        target = tmp_path / name
        shutil.copy(SAMPLES / name, target)
        return target
    return _sample
