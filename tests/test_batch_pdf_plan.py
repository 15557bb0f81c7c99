"""A batch converts in the parent and finalizes from the plan made when the input was
prepared: the input is read once, so its PDF describes the bytes its DOCX was built from,
even when the file changes in between (an editor saving while a batch runs)."""
from __future__ import annotations

import hashlib
import pickle
import shutil

import pytest

from conftest import SAMPLES, needs_libreoffice
from contratgen.batch.jobs import Job, build_job, finish_pdf
from contratgen.document import Options
from contratgen.inspect import inspect_file


def job_for(path, formats=("docx", "pdf")) -> Job:
    return Job(index=0, path=str(path), display=path.name, formats=formats, pdfa=False,
               options=Options())


def test_a_pdf_job_without_converter_carries_a_small_picklable_plan(tmp_path):
    path = tmp_path / "contract-b2b.yaml"
    shutil.copy(SAMPLES / "contract-b2b.yaml", path)
    result = build_job(job_for(path))
    assert result.ok and result.plan is not None and "pdf" not in result.files
    assert result.plan.meta.provenance["input_sha256"] == result.entry.input_sha256
    assert len(pickle.dumps(result.plan)) < 8_000   # goes to a worker process and back


def test_a_docx_only_job_makes_no_plan(tmp_path):
    path = tmp_path / "quote-b2b.yaml"
    shutil.copy(SAMPLES / "quote-b2b.yaml", path)
    result = build_job(job_for(path, ("docx",)))
    assert result.ok and result.plan is None


@needs_libreoffice
@pytest.mark.parametrize("change", ["edited", "deleted"])
def test_the_pdf_is_finalized_from_the_input_as_prepared(tmp_path, change, office):
    path = tmp_path / "contract-b2b.yaml"
    shutil.copy(SAMPLES / "contract-b2b.yaml", path)
    original = hashlib.sha256(path.read_bytes()).hexdigest()
    job = job_for(path)
    built = build_job(job)
    if change == "edited":   # the file changes between the DOCX and the PDF's finalize
        path.write_text(path.read_text(encoding="utf-8").replace("4", "5"), encoding="utf-8")
    else:
        path.unlink()
    raw = office.convert(built.files["docx"], "contract")
    finished = finish_pdf(job, built, raw)
    assert finished.ok, finished.entry.diagnostics
    out = tmp_path / "contract.pdf"
    out.write_bytes(finished.files["pdf"])
    provenance = inspect_file(out)["provenance"]
    assert provenance["input_sha256"] == original == finished.entry.input_sha256
    assert finished.files["docx"] == built.files["docx"]
