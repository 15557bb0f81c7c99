"""Finalize by copying (contratgen.pdf.copy_writer): on LibreOffice's real output, the
objects finalize does not change are copied byte for byte, the result says what the
cloned path says, and nothing of LibreOffice's clock or name is left in it."""

import datetime
import io
import re
import shutil
import subprocess

import pytest
from pypdf import PdfReader, PdfWriter

from contratgen.pipeline import prepare, render_document
from contratgen.pdf import copy_writer
from contratgen.pdf.finalize import finalize, read_pdf_info
from contratgen.pdf.metadata import PdfMeta
from contratgen.pdf.signature_fields import SignatureSlot
from contratgen.pdf.workers import Converter
from conftest import FIXTURES, needs_libreoffice  # noqa: F401

pytestmark = needs_libreoffice

META = PdfMeta(title="Contrat CT-2026-0042", author="Atelier Dupont", subject="Contrat",
               keywords="billing", created=datetime.date(2026, 11, 22),
               provenance={"document": "CT-2026-0042"}, language="fr-FR")
SLOTS = (SignatureSlot("provider_signature"),
         SignatureSlot("client_signature"))
SAMPLE = FIXTURES.parent.parent / "samples" / "contract-b2b.yaml"


@pytest.fixture(scope="module")
def raw():
    """The sample contract as LibreOffice converts it (tagged, with its bookmarks),
    twice: LibreOffice stamps the clock and a random /ID in each."""
    docx = render_document(prepare(SAMPLE))
    with Converter(workers=1, timeout=60) as converter:
        first = converter.convert(docx)
        second = converter.convert(docx)
    return first, second


@pytest.fixture(scope="module")
def raw_pdfa():
    docx = render_document(prepare(SAMPLE))
    with Converter(workers=1, timeout=60, pdfa=True) as converter:
        return converter.convert(docx), converter.convert(docx)


def objects(pdf: bytes) -> dict[int, bytes]:
    """Each object's bytes, from ``N 0 obj`` to ``endobj``, by number."""
    return {int(m.group(1)): m.group(0)
            for m in re.finditer(rb"(?m)^(\d+) 0 obj\b.*?endobj", pdf, re.S)}


def cloned(pdf: bytes, monkeypatch, **options) -> bytes:
    """The same finalize through the cloned path (the one documents with annexes take)."""
    with monkeypatch.context() as patch:
        patch.setattr(copy_writer.CopyEdit, "open", classmethod(lambda cls, raw, reader: None))
        return finalize(pdf, META, SLOTS, **options)


def test_the_objects_finalize_does_not_change_are_copied_as_libreoffice_wrote_them(raw):
    before, after = objects(raw[0]), objects(finalize(raw[0], META, SLOTS))
    kept = [n for n, body in before.items() if after.get(n) == body]
    assert len(before) > 100
    assert len(kept) >= len(before) - 6   # catalog, two pages at most, info, none else


def test_copied_says_what_cloned_says(raw, monkeypatch):
    copied, clone = finalize(raw[0], META, SLOTS), cloned(raw[0], monkeypatch)
    assert copied != clone
    assert read_pdf_info(copied) == read_pdf_info(clone)
    fields = read_pdf_info(copied)["signature_fields"]
    assert [f["name"] for f in fields] == ["provider_signature", "client_signature"]
    copied_reader, clone_reader = PdfReader(io.BytesIO(copied)), PdfReader(io.BytesIO(clone))
    assert [p.extract_text() for p in copied_reader.pages] == \
        [p.extract_text() for p in clone_reader.pages]
    assert copied_reader.trailer["/Root"]["/Lang"] == "fr-FR"
    assert "/StructTreeRoot" in copied_reader.trailer["/Root"]


def test_two_conversions_give_the_same_bytes_and_nothing_of_libreoffice_is_left(raw):
    assert raw[0] != raw[1]
    first, second = finalize(raw[0], META, SLOTS), finalize(raw[1], META, SLOTS)
    assert first == second
    assert b"LibreOffice" not in first and b"/DocChecksum" not in first
    stamp = re.search(rb"/CreationDate\s*\((D:\d{14})", raw[0]).group(1)
    assert stamp not in first


def test_a_pdfa_conversion_is_copied_too_its_clock_dropped(raw_pdfa, monkeypatch):
    out = finalize(raw_pdfa[0], META, SLOTS, pdfa=True)
    assert out == finalize(raw_pdfa[1], META, SLOTS, pdfa=True)
    info = read_pdf_info(out)
    assert info["pdfa"] == "2B" and info == read_pdf_info(cloned(raw_pdfa[0], monkeypatch,
                                                                 pdfa=True))
    assert b"LibreOffice" not in out
    assert out.count(b"<?xpacket begin") == 1   # LibreOffice's XMP is gone, ours is there


@pytest.mark.skipif(shutil.which("qpdf") is None, reason="qpdf not installed")
def test_the_copied_file_passes_qpdf_check(raw, tmp_path):
    path = tmp_path / "out.pdf"
    path.write_bytes(finalize(raw[0], META, SLOTS))
    check = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


def test_a_pdf_not_laid_out_as_libreoffice_writes_it_is_finalized_by_cloning(raw):
    writer = PdfWriter(io.BytesIO(raw[0]), incremental=True)   # a second xref section
    writer.add_metadata({"/Title": "updated"})
    updated = io.BytesIO()
    writer.write(updated)
    assert copy_writer.CopyEdit.open(updated.getvalue(),
                                     PdfReader(io.BytesIO(updated.getvalue()))) is None
    out = finalize(updated.getvalue(), META, SLOTS)
    assert read_pdf_info(out)["title"] == META.title
    assert len(read_pdf_info(out)["signature_fields"]) == 2
    assert out == finalize(updated.getvalue(), META, SLOTS)
