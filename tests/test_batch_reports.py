"""A batch's reports — manifest.json, the --report copy, the --junit file — are written as
one step: all of them, or none (and the manifest still says "running")."""
from __future__ import annotations

import json
import subprocess

from conftest import SAMPLES
from support.processes import CLI


def batch(tmp_path, *extra):
    return subprocess.run(CLI + ["batch", str(SAMPLES / "quote-b2b.yaml"), "-o",
                                 str(tmp_path / "out"), "--format", "docx", "-j", "1",
                                 *map(str, extra)],
                          capture_output=True, text=True, timeout=300, cwd=tmp_path)


def test_a_report_that_cannot_be_written_leaves_no_junit_and_no_finished_manifest(tmp_path):
    (tmp_path / "a-file").write_text("not a folder")
    done = batch(tmp_path, "--report", tmp_path / "a-file" / "r.json", "--junit",
                 tmp_path / "j.xml")
    assert done.returncode == 3, done.stderr
    assert "cannot write" in done.stderr and "a-file" in done.stderr
    assert not (tmp_path / "j.xml").exists()
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["status"] == "running"   # never taken for a finished run
    assert not [p for p in tmp_path.rglob("*") if ".contratgen-tmp" in p.name]


def test_the_reports_are_written_together(tmp_path):
    done = batch(tmp_path, "--report", tmp_path / "r.json", "--junit", tmp_path / "j.xml")
    assert done.returncode == 0, done.stderr
    manifest = (tmp_path / "out" / "manifest.json").read_bytes()
    assert json.loads(manifest)["status"] == "complete"
    assert (tmp_path / "r.json").read_bytes() == manifest
    assert b"<testsuite" in (tmp_path / "j.xml").read_bytes()
