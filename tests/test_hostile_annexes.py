"""Hostile annex PDFs (SECURITY.md): what we append to a contract for signature carries no
action, JavaScript, launch, URL, form submission or embedded file; a malformed, huge or
looping annex is a located error on its ``annexes[i].path``, in bounded time and memory.
"""
from __future__ import annotations

import io
import os
import re

from click.testing import CliRunner
from pypdf import PdfReader

from conftest import needs_libreoffice, run_bounded
from contratgen.pdf import annex_guard
from contratgen.cli import main
from hostile_files import (MINIMAL, active_content, client_with_annexes, deep_nesting, hostile_pdf,
                           page_tree_bomb, page_tree_loop, pdf_bytes, plain_pdf,
                           self_referencing_length)

ANNEX_LINE = len(MINIMAL.splitlines()) + 2   # the first "  - {path: …}" after "annexes:"
PATH_COL = 12


def cli(*args: str):
    return CliRunner().invoke(main, list(args))


def located(output: str, code: str) -> list[tuple[int, int, str]]:
    assert "Traceback" not in output, output
    return [(int(line), int(col), message) for line, col, message in re.findall(
        rf"client\.yaml:(\d+):(\d+): error: (.+) \[{re.escape(code)}\]$", output, re.M)]


def test_the_hostile_annex_has_active_content_to_remove():
    """The fixture is as hostile as it claims (or the next tests would prove nothing)."""
    found = set(active_content(hostile_pdf()))
    assert {"key /OpenAction", "key /AA", "key /JavaScript", "key /JS", "key /EmbeddedFiles",
            "key /EF", "action /Launch", "action /URI", "action /SubmitForm", "action /GoToR",
            "action /JavaScript", "annotation action /A", "annotation /RichMedia"} <= found


@needs_libreoffice
def test_a_pdf_built_with_a_hostile_annex_contains_no_action_or_javascript(tmp_path):
    (tmp_path / "evil.pdf").write_bytes(hostile_pdf())
    client = client_with_annexes(tmp_path, "evil.pdf")
    out = tmp_path / "out"
    result = cli("build", str(client), "-o", str(out), "--format", "pdf")
    assert result.exit_code == 0, result.output
    pdf = (out / "T-1.pdf").read_bytes()
    assert active_content(pdf) == []
    reader = PdfReader(io.BytesIO(pdf))
    fields = [f for f in (reader.get_fields() or {}).values() if f.get("/FT") == "/Sig"]
    assert len(fields) == 2                        # our signature fields are still there
    assert b"app.alert" not in pdf and b"/bin/sh" not in pdf and b"payload.exe" not in pdf
    contract_pages = len(reader.pages) - 2
    assert contract_pages >= 1                     # both annex pages appended after it


def test_cleaning_keeps_the_pages_and_drops_everything_active():
    cleaned, pdfa, pages = annex_guard._clean(hostile_pdf())
    assert pages == 2 and not pdfa
    assert active_content(cleaned) == []
    assert len(PdfReader(io.BytesIO(cleaned)).pages) == 2


@needs_libreoffice
def test_malformed_annexes_are_located_errors(tmp_path):
    bad = {"loop.pdf": page_tree_loop(), "bomb.pdf": page_tree_bomb(),
           "length.pdf": self_referencing_length(), "deep.pdf": deep_nesting(),
           "cut.pdf": pdf_bytes(plain_pdf())[:200]}
    for name, data in bad.items():
        (tmp_path / name).write_bytes(data)
    client = client_with_annexes(tmp_path, *bad)
    run = run_bounded("build", str(client), "-o", str(tmp_path / "out"), "--format", "pdf",
                      timeout=60)
    assert run.code == 1, run.stderr
    errors = located(run.stderr, "annexes.unreadable")
    assert [(line, col) for line, col, _ in errors] == [
        (ANNEX_LINE + i, PATH_COL) for i in range(len(bad))]
    for (_, _, message), name in zip(errors, bad):
        assert message.startswith(f"annex '{name}' is not a readable PDF"), message
    assert "page tree loops" in errors[0][2] and "page tree loops" in errors[1][2]
    assert run.peak_mb < 400, run
    check = cli("check", str(client))   # check says the same, without LibreOffice
    assert located(check.output, "annexes.unreadable") == errors
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_a_huge_sparse_annex_is_refused_without_reading_it(tmp_path):
    annex = tmp_path / "huge.pdf"
    with open(annex, "wb") as handle:
        handle.write(b"%PDF-1.7\n")
        handle.truncate(3 * (1 << 29))            # 1.5 GiB, sparse: no disk used
    client = client_with_annexes(tmp_path, "huge.pdf")
    run = run_bounded("build", str(client), "-o", str(tmp_path / "out"), "--format", "docx")
    assert run.code == 1, run.stderr
    [(line, col, message)] = located(run.stderr, "annexes.too-large")
    assert (line, col) == (ANNEX_LINE, PATH_COL)
    assert message.startswith("annex 'huge.pdf' is larger than the limit of")
    assert run.peak_mb < 200, run


def test_a_fifo_annex_does_not_hang(tmp_path):
    os.mkfifo(tmp_path / "pipe.pdf")
    client = client_with_annexes(tmp_path, "pipe.pdf")
    run = run_bounded("build", str(client), "-o", str(tmp_path / "out"), "--format", "docx",
                      timeout=20)
    assert run.code == 1, run.stderr
    [(line, _, message)] = located(run.stderr, "io.not-a-file")
    assert line == ANNEX_LINE and "not a regular file" in message


def test_a_file_that_is_not_a_pdf_is_refused(tmp_path):
    (tmp_path / "note.pdf").write_text("hello")
    result = cli("check", str(client_with_annexes(tmp_path, "note.pdf")))
    assert located(result.output, "annexes.not-pdf") == [
        (ANNEX_LINE, PATH_COL, "annex 'note.pdf' is not a PDF file")]


def test_too_many_annexes_are_refused(tmp_path):
    (tmp_path / "a.pdf").write_bytes(pdf_bytes(plain_pdf()))
    client = client_with_annexes(tmp_path, *["a.pdf"] * (annex_guard.MAX_ANNEXES + 1))
    result = cli("check", str(client))
    [(line, _, message)] = located(result.output, "annexes.too-large")
    assert line == ANNEX_LINE and message.startswith("51 annexes")


def test_the_same_annex_listed_eight_times_is_parsed_once(tmp_path):
    annex = tmp_path / "a.pdf"
    annex.write_bytes(pdf_bytes(plain_pdf(50)))
    first = annex_guard.clean_annex(annex)
    assert all(annex_guard.clean_annex(annex) is first for _ in range(7))
    annex.write_bytes(pdf_bytes(plain_pdf(3)))     # changed on disk: read again
    os.utime(annex, ns=(1, 1))
    assert annex_guard.clean_annex(annex)[2] == 3


@needs_libreoffice
def test_eight_listings_of_one_annex_build_in_bounded_time_and_memory(tmp_path):
    (tmp_path / "a.pdf").write_bytes(pdf_bytes(plain_pdf(200)))
    client = client_with_annexes(tmp_path, *["a.pdf"] * 8)
    run = run_bounded("build", str(client), "-o", str(tmp_path / "out"), "--format", "pdf",
                      timeout=120)
    assert run.code == 0, run.stderr
    pages = len(PdfReader(tmp_path / "out" / "T-1.pdf").pages)
    assert pages >= 8 * 200 + 1
    assert run.peak_mb < 600, run


@needs_libreoffice
def test_with_pdfa_an_annex_that_is_not_pdfa_is_refused(tmp_path):
    (tmp_path / "plain.pdf").write_bytes(pdf_bytes(plain_pdf()))
    client = client_with_annexes(tmp_path, "plain.pdf")
    out = tmp_path / "out"
    result = cli("build", str(client), "-o", str(out), "--format", "pdf", "--pdfa")
    [(line, col, message)] = located(result.output, "annexes.not-pdfa")
    assert (line, col) == (ANNEX_LINE, PATH_COL)
    assert "is not a PDF/A file" in message
    assert not out.exists() or not any(out.iterdir())
    # the same annex without --pdfa is appended
    result = cli("build", str(client), "-o", str(out), "--format", "pdf")
    assert result.exit_code == 0, result.output


@needs_libreoffice
def test_with_pdfa_a_pdfa_annex_is_appended(tmp_path):
    first = tmp_path / "first"
    first.mkdir()
    made = cli("build", str(client_with_annexes(first)), "-o", str(first / "out"),
               "--format", "pdf", "--pdfa")
    assert made.exit_code == 0, made.output
    (tmp_path / "annex.pdf").write_bytes((first / "out" / "T-1.pdf").read_bytes())
    client = client_with_annexes(tmp_path, "annex.pdf")
    result = cli("build", str(client), "-o", str(tmp_path / "out"), "--format", "pdf",
                 "--pdfa")
    assert result.exit_code == 0, result.output
    assert active_content((tmp_path / "out" / "T-1.pdf").read_bytes()) == []
