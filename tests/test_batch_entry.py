"""A manifest entry is a frozen record; on disk it is JSON, read back only when it can be
trusted (a damaged or edited manifest means "rebuild", never a crash)."""
from __future__ import annotations

import json

import pytest

from contratgen.batch.entry import Entry, Output, Status
from contratgen.batch.inputs import up_to_date
from contratgen.diagnostics import ERROR, WARNING, Diagnostic

BUILT = Entry("a.yaml", Status.OK, document="CT-1", type="contract", input_sha256="ab" * 32,
              key="k", outputs=(Output("docx", "CT-1.docx", 3, "cd" * 32),),
              clauses=({"id": "billing", "version": 2, "sha256": "ef" * 32},),
              diagnostics=(Diagnostic("a.yaml", 3, 5, WARNING, "careful", "legal.x"),))


def test_an_entry_goes_to_json_and_back_unchanged():
    text = json.dumps(BUILT.as_json())
    assert Entry.from_json(json.loads(text)) == BUILT
    assert json.loads(text)["status"] == "ok"
    assert json.loads(text)["diagnostics"][0]["severity"] == "warning"


def test_a_failure_is_a_new_entry_with_nothing_to_skip_next_time():
    error = Diagnostic("a.yaml", 0, 0, ERROR, "cannot write", "batch.output-is-a-folder")
    failed = BUILT.failed(error)
    assert (failed.status, failed.key, failed.outputs) == (Status.ERROR, None, ())
    assert failed.diagnostics == BUILT.diagnostics + (error,)
    assert BUILT.ok and not failed.ok


@pytest.mark.parametrize("damaged", [
    None, [], "a.yaml", {"status": "ok"}, {"input": "a.yaml", "status": "done"},
    {"input": "a.yaml", "status": "ok", "outputs": [{"file": "x"}]},
    {"input": "a.yaml", "status": "ok", "outputs": [{"format": "docx", "file": "x",
                                                      "size": "big", "sha256": "0"}]},
    {"input": "a.yaml", "status": "ok", "diagnostics": [{"file": "a"}]},
    {"input": "a.yaml", "status": "ok", "diagnostics": [
        {"file": "a", "line": 1, "col": 1, "severity": "fatal", "message": "m", "code": "c"}]},
])
def test_what_cannot_be_trusted_is_not_read_back(damaged):
    assert Entry.from_json(damaged) is None


@pytest.mark.parametrize("name", ["../elsewhere.docx", ".hidden.docx", "sub/CT-1.docx"])
def test_an_output_edited_to_point_outside_the_folder_is_never_up_to_date(tmp_path, name):
    target = tmp_path / "CT-1.docx"
    target.write_bytes(b"abc")
    import hashlib
    good = Output("docx", "CT-1.docx", 3, hashlib.sha256(b"abc").hexdigest())
    from dataclasses import replace
    assert up_to_date(replace(BUILT, outputs=(good,)), "k", tmp_path)
    assert not up_to_date(replace(BUILT, outputs=(replace(good, file=name),)), "k", tmp_path)
