from __future__ import annotations

import io
import os
import resource
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import NamedTuple

import re

import docx
import pytest

from contratgen.pdf.workers import find_soffice

ROOT = Path(__file__).resolve().parent.parent
# a `contratgen serve` a developer left running must not serve the suite's conversions
# (tests/test_serve.py starts its own servers, with this variable removed)
os.environ["CONTRATGEN_SERVE"] = "off"
SAMPLES = ROOT / "samples"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
MINIMAL_PATH = FIXTURES / "minimal.yaml"


def docx_text(data: bytes) -> str:
    """Every paragraph of a DOCX, tables, headers and footers included, one per line."""
    return document_text(docx.Document(io.BytesIO(data)))


def document_text(document) -> str:
    """The same, for a document python-docx already opened."""
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


@pytest.fixture(scope="session")
def office():
    """One warm LibreOffice worker for the tests that only need a DOCX converted (each
    xdist worker has its own). The tests of the converter itself make their own."""
    from contratgen.pdf.workers import Converter
    with Converter(workers=1, timeout=90) as shared:
        yield shared


@pytest.fixture(scope="session")
def signer():
    """A self-signed certificate made for this run, and a pyHanko signer with it."""
    from support.signing import make_signer
    return make_signer()


@pytest.fixture(scope="session")
def schematron():
    """validate(xml) → the fatal failed asserts of the EN 16931 schematron, as (id, text)."""
    from support import einvoice
    return einvoice.schematron()


@pytest.fixture(scope="session")
def validators():
    """name → validate(xml), for the EN 16931, Factur-X and French CTC schematrons."""
    from support import einvoice
    return einvoice.validators()


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
        # the insurance certificates the building samples annex (provider.insurance)
        shutil.copytree(SAMPLES / "attestations", tmp_path / "attestations",
                        dirs_exist_ok=True)
        return target
    return _sample


GIB = 1 << 30

# The child prints the peak RSS of its own address space on exit, whatever happens to the
# command (VmHWM: ru_maxrss would survive execve and report the pytest process's peak).
_BOUNDED_CHILD = r"""
import atexit, sys
def _peak():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM"):
            sys.stderr.write("\nPEAK_KB=%s\n" % line.split()[1])
atexit.register(_peak)
from contratgen.cli import main
main(sys.argv[1:], prog_name="contratgen")
"""


class Bounded(NamedTuple):
    code: int
    stderr: str
    seconds: float      # wall-clock, for messages only: never asserted
    peak_mb: float


CPU_SECONDS = 10   # a hostile input is refused in well under a second of CPU


def _limits():
    resource.setrlimit(resource.RLIMIT_AS, (GIB, GIB))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS + 1))


def run_bounded(*args: str, timeout: float = 120) -> Bounded:
    """The CLI in a child process limited to 1 GiB and :data:`CPU_SECONDS` of CPU time (a
    runaway is killed by SIGXCPU, whatever the machine's load): a hang or a crash stays
    there. ``timeout`` only guards against a child that sleeps."""
    start = time.monotonic()
    try:
        done = subprocess.run([sys.executable, "-c", _BOUNDED_CHILD, *args],
                              capture_output=True, text=True, preexec_fn=_limits,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        pytest.fail(f"still running after {timeout} s: contratgen {' '.join(args)}")
    peak = re.search(r"PEAK_KB=(\d+)", done.stderr)
    return Bounded(done.returncode, done.stderr, time.monotonic() - start,
                   int(peak.group(1)) / 1024 if peak else float("inf"))


# CI installs LibreOffice and must run these tests; a developer machine without it skips
# them. One marker, one condition: `@pytest.mark.libreoffice` (or `needs_libreoffice`).
# `-m "not libreoffice and not slow"` is the fast inner loop (make test-fast).
needs_libreoffice = pytest.mark.libreoffice
_NO_OFFICE = find_soffice() is None and not os.environ.get("CI")


def pytest_collection_modifyitems(config, items):
    skip = pytest.mark.skip(reason="LibreOffice is not installed "
                                   "(apt-get install libreoffice-writer-nogui)")
    for item in items:
        if _NO_OFFICE and item.get_closest_marker("libreoffice"):
            item.add_marker(skip)
