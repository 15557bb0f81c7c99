"""The manifest is true: after a kill -9, a concurrent batch or a tampered file,
``batch --verify`` finds every "ok" entry true, or says which file is not."""
import fcntl
import hashlib
import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from contratgen.cli import main
from support.processes import CLI, make_inputs


def batch(*args) -> subprocess.CompletedProcess:
    return subprocess.run(CLI + ["batch", *map(str, args)], capture_output=True, text=True,
                          timeout=600)


def verify(out: Path) -> subprocess.CompletedProcess:
    return batch("--verify", out)


def manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text())


def reprice(folder: Path, step: int) -> None:
    """Change every input, so a new run writes other bytes than the last one."""
    for path in folder.glob("*.yaml"):
        text = path.read_text()
        path.write_text(text.replace("quantity: 3", f"quantity: {3 + step}"))


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return make_inputs(tmp_path_factory.mktemp("manifest") / "in", 30)


def test_a_finished_batch_says_complete_and_leaves_no_journal(folder, tmp_path):
    out = tmp_path / "out"
    assert batch(folder, "-o", out, "--format", "docx", "-j", "1").returncode == 0
    data = manifest(out)
    assert data["status"] == "complete" and data["summary"]["ok"] == 30
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []
    done = verify(out)
    assert done.returncode == 0, done.stderr
    assert "30 of 30 outputs match" in done.stderr


@pytest.mark.parametrize("delay", [0.5, 1.2, 2.5])
def test_after_kill_9_of_a_rebuild_every_ok_entry_is_true(folder, tmp_path, delay):
    """The old manifest would lie about the files the killed run replaced: the new run
    said "running" from its start, and its journal holds only what it wrote."""
    work = tmp_path / "in"
    work.mkdir()
    for path in folder.glob("*.yaml"):
        (work / path.name).write_text(path.read_text())
    out = tmp_path / "out"
    assert batch(work, "-o", out, "--format", "docx", "-j", "2").returncode == 0
    reprice(work, 1)
    process = subprocess.Popen(CLI + ["batch", str(work), "-o", str(out), "--format", "docx",
                                      "-j", "2"], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    time.sleep(delay)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    checked = verify(out)
    assert checked.returncode == 0, checked.stderr
    if manifest(out)["status"] == "running":
        assert "[manifest.unfinished]" in checked.stderr
    rerun = batch(work, "-o", out, "--format", "docx", "-j", "2", "--changed-only")
    assert rerun.returncode == 0, rerun.stderr
    assert manifest(out)["status"] == "complete"
    assert verify(out).returncode == 0


def test_two_concurrent_batches_never_leave_a_wrong_hash(folder, tmp_path):
    out = tmp_path / "out"
    work = [tmp_path / "a", tmp_path / "b"]
    for step, directory in enumerate(work):
        directory.mkdir()
        for path in folder.glob("*.yaml"):
            (directory / path.name).write_text(path.read_text())
        reprice(directory, step)            # two runs, other bytes for the same names
    runs = [subprocess.Popen(CLI + ["batch", str(d), "-o", str(out), "--format", "docx",
                                    "-j", "1"], stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True) for d in work]
    for run in runs:
        _, err = run.communicate(timeout=300)
        assert run.returncode in (0, 3), err
        if run.returncode == 3:
            assert "another batch (pid" in err and "is writing into" in err
    checked = verify(out)
    assert checked.returncode == 0, checked.stderr


def test_a_locked_folder_is_exit_3_and_nothing_is_touched(folder, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "manifest.json").write_text('{"mine": true}')
    with open(out / ".contratgen-batch.lock", "w") as lock:
        lock.write("4242\n")
        lock.flush()
        fcntl.flock(lock, fcntl.LOCK_EX)
        result = batch(folder, "-o", out, "--format", "docx")
    assert result.returncode == 3
    assert "another batch (pid 4242) is writing into" in result.stderr
    assert "Traceback" not in result.stderr
    assert (out / "manifest.json").read_text() == '{"mine": true}'
    assert sorted(p.name for p in out.iterdir()) == [".contratgen-batch.lock", "manifest.json"]


def test_verify_names_a_tampered_and_a_missing_file_and_exits_1(folder, tmp_path):
    out = tmp_path / "out"
    assert batch(folder, "-o", out, "--format", "docx", "-j", "1").returncode == 0
    (out / "CT-K-003.docx").write_bytes(b"PK tampered")
    (out / "CT-K-007.docx").unlink()
    result = CliRunner().invoke(main, ["batch", "--verify", str(out)])
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert len(errors) == 2
    assert any("CT-K-003.docx: error: does not match the manifest" in e for e in errors)
    assert any("CT-K-007.docx: error: is missing" in e for e in errors)
    assert all(e.endswith("[manifest.mismatch]") for e in errors)


def test_verify_without_a_manifest_is_a_located_error(tmp_path):
    result = CliRunner().invoke(main, ["batch", "--verify", str(tmp_path)])
    assert result.exit_code == 1
    assert "no readable manifest.json" in result.stderr


def test_each_entry_hash_is_of_the_file_in_place(folder, tmp_path):
    out = tmp_path / "out"
    assert batch(folder, "-o", out, "--format", "docx", "-j", "2").returncode == 0
    for entry in manifest(out)["inputs"]:
        for output in entry["outputs"]:
            data = (out / output["file"]).read_bytes()
            assert hashlib.sha256(data).hexdigest() == output["sha256"]
            assert len(data) == output["size"]


def test_a_folder_in_place_of_one_output_fails_that_input_only(folder, tmp_path):
    out = tmp_path / "out"
    (out / "CT-K-004.docx").mkdir(parents=True)
    result = batch(folder, "-o", out, "--format", "docx", "-j", "1")
    assert result.returncode == 1, result.stderr
    assert "is a folder, not a file: nothing was written [batch.output-is-a-folder]" \
        in result.stderr
    data = manifest(out)
    assert data["summary"]["ok"] == 29 and data["summary"]["error"] == 1
    assert verify(out).returncode == 0


def test_sigterm_ends_a_batch_with_an_interrupted_manifest_that_is_true(folder, tmp_path):
    out = tmp_path / "out"
    process = subprocess.Popen(CLI + ["batch", str(folder), "-o", str(out), "--format", "docx",
                                      "-j", "2"], stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not list(out.glob("*.docx")):
        time.sleep(0.05)
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 128 + signal.SIGTERM, err
    assert "Traceback" not in err
    data = manifest(out)
    assert data["status"] == "interrupted"
    assert data["summary"]["total"] == 30
    assert verify(out).returncode == 0
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []
