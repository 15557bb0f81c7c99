"""Faults: killed processes, concurrent batches, dead LibreOffice, full or read-only disks.

These tests kill real processes and inspect the real output folder: after any fault,
every visible file there is complete and correct, and a rerun finishes the work.
"""
import hashlib
import os
import shutil
import signal
import subprocess
import time
import zipfile
from pathlib import Path

import pytest

from conftest import SAMPLES
from support.processes import CLI, command_of, descendants, make_inputs

pytestmark = pytest.mark.slow

def visible(out: Path) -> list[Path]:
    return sorted(p for p in out.iterdir() if not p.name.startswith("."))


def assert_complete(out: Path, reference: dict[str, str]) -> None:
    """Every visible document is byte-identical to a clean build of the same input."""
    for path in visible(out):
        if path.suffix == ".docx":
            assert hashlib.sha256(path.read_bytes()).hexdigest() == reference[path.name], path
            with zipfile.ZipFile(path) as package:
                assert package.testzip() is None


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    root = tmp_path_factory.mktemp("faults")
    folder = make_inputs(root / "in", 40)
    clean = root / "clean"
    subprocess.run(CLI + ["batch", str(folder), "-o", str(clean), "--format", "docx", "-j", "1"],
                   check=True, capture_output=True)
    reference = {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
                 for p in clean.glob("*.docx")}
    assert len(reference) == 40
    return folder, reference


@pytest.mark.parametrize("delay", [0.3, 0.9, 1.6, 2.4])
def test_kill_9_of_a_batch_leaves_no_partial_file_and_a_rerun_completes(inputs, tmp_path,
                                                                         delay):
    folder, reference = inputs
    out = tmp_path / "out"
    process = subprocess.Popen(CLI + ["batch", str(folder), "-o", str(out), "--format", "docx",
                                      "-j", "2"], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    time.sleep(delay)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    if out.exists():
        assert_complete(out, reference)
    rerun = subprocess.run(CLI + ["batch", str(folder), "-o", str(out), "--format", "docx",
                                  "-j", "2"], capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr
    assert_complete(out, reference)
    assert {p.name for p in out.glob("*.docx")} == set(reference)
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []


def test_two_batches_into_the_same_folder_never_corrupt_a_file(inputs, tmp_path):
    """One batch at a time per folder: the second waits for nobody, it says so and
    exits 3 (or runs after the first, when they do not overlap)."""
    folder, reference = inputs
    out = tmp_path / "out"
    runs = [subprocess.Popen(CLI + ["batch", str(folder), "-o", str(out), "--format", "docx",
                                    "-j", "1"], stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True) for _ in range(2)]
    codes = []
    for run in runs:
        _, err = run.communicate(timeout=300)
        codes.append(run.returncode)
        assert run.returncode == 0 or (run.returncode == 3 and "another batch" in err), err
    assert 0 in codes
    assert_complete(out, reference)
    assert {p.name for p in out.glob("*.docx")} == set(reference)
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []


@pytest.mark.libreoffice
def test_a_libreoffice_worker_killed_mid_batch_is_replaced(tmp_path):
    folder = make_inputs(tmp_path / "in", 8)
    out = tmp_path / "out"
    process = subprocess.Popen(CLI + ["batch", str(folder), "-o", str(out), "--format", "pdf",
                                      "-j", "1"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    killed = []
    deadline = time.time() + 120
    while not killed and time.time() < deadline and process.poll() is None:
        if out.exists() and any(out.glob("*.pdf")):   # the worker is warm and converting
            for pid in descendants(process.pid):
                if "soffice" in command_of(pid):
                    os.kill(pid, signal.SIGKILL)
                    killed.append(pid)
        time.sleep(0.05)
    _, err = process.communicate(timeout=300)
    assert killed, "LibreOffice was never seen running"
    assert process.returncode == 0, err
    assert len(list(out.glob("*.pdf"))) == 8
    for pdf in out.glob("*.pdf"):
        assert subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True).returncode == 0


def _namespace_mount_works() -> bool:
    if not shutil.which("unshare") or os.geteuid() != 0:
        return False
    probe = subprocess.run(["unshare", "-m", "sh", "-c",
                            "mount -t tmpfs -o size=64k tmpfs /mnt && umount /mnt"],
                           capture_output=True)
    return probe.returncode == 0


needs_mounts = pytest.mark.skipif(not _namespace_mount_works(),
                                  reason="needs root and mount namespaces (unshare -m)")


def run_on_mount(tmp_path, options: str, command: list[str], before: str = "") -> \
        subprocess.CompletedProcess:
    """Run the CLI with its output folder on a tmpfs mounted just for it."""
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    quoted = " ".join(f"'{c}'" for c in command)
    script = (f"mount -t tmpfs -o {options} tmpfs '{mnt}' && {before} {quoted}; "
              f"rc=$?; ls -A '{mnt}/out' 2>/dev/null | sed 's/^/LS:/'; "
              f"for f in '{mnt}'/out/*.docx; do [ -f \"$f\" ] && printf 'CONTENT:%s\\n' "
              f"\"$(head -c 64 \"$f\")\"; done; exit $rc")
    return subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True,
                          text=True, timeout=120)


@needs_mounts
def test_a_full_disk_is_a_clear_error_and_leaves_no_partial_file(tmp_path):
    mnt = tmp_path / "mnt"
    result = run_on_mount(tmp_path, "size=12k", CLI + [
        "build", str(SAMPLES / "contract-b2b.yaml"), "-o", str(mnt / "out"), "--format", "docx"])
    assert result.returncode == 3, result.stdout + result.stderr
    assert "No space left on device" in result.stderr
    assert "CT-2026-0042.docx" in result.stderr
    assert "Traceback" not in result.stderr
    assert [line for line in result.stdout.splitlines() if line.startswith("LS:")] == []


@needs_mounts
def test_a_read_only_output_folder_is_a_clear_error(tmp_path):
    mnt = tmp_path / "mnt"
    result = run_on_mount(tmp_path, "size=1m", CLI + [
        "batch", str(SAMPLES / "batch"), "-o", str(mnt / "out"), "--format", "docx"],
        before=f"mkdir '{mnt}/out' && mount -o remount,ro '{mnt}' &&")
    assert result.returncode == 3, result.stdout + result.stderr
    assert "Read-only file system" in result.stderr
    assert "Traceback" not in result.stderr


@needs_mounts
def test_a_full_disk_keeps_the_previous_good_file(tmp_path):
    """A document rebuilt on a full disk keeps its old DOCX and PDF pair intact."""
    mnt = tmp_path / "mnt"
    old = b"PK-previous-good-build"
    result = run_on_mount(tmp_path, "size=16k", CLI + [
        "build", str(SAMPLES / "contract-b2b.yaml"), "-o", str(mnt / "out"), "--format", "docx"],
        before=f"mkdir '{mnt}/out' && printf '{old.decode()}' > '{mnt}/out/CT-2026-0042.docx' && ")
    assert result.returncode == 3
    lines = result.stdout.splitlines()
    assert [line for line in lines if line.startswith("LS:")] == ["LS:CT-2026-0042.docx"]
    assert f"CONTENT:{old.decode()}" in lines
