"""Workers die with their parent however it dies; a later run removes what dead runs
left; a lost Dask cluster ends the batch with a manifest and exit 3, never a hang."""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

from conftest import needs_libreoffice
from support.processes import CLI, command_of, descendants, make_inputs


def processes_naming(text: str) -> list[int]:
    """Live processes whose command line contains ``text`` (zombies are dead)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            try:
                state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
            except (OSError, IndexError):
                continue
            if state != "Z" and text in command_of(int(entry.name)):
                found.append(int(entry.name))
    return found


def wait_for(predicate, timeout: float, step: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    return predicate()


def gone(pids: list[int]) -> bool:
    return all(not Path(f"/proc/{pid}").exists() or
               Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
               for pid in pids)


@needs_libreoffice
def test_no_libreoffice_outlives_a_kill_9_of_a_pdf_batch_and_a_rerun_completes(tmp_path,
                                                                              request):
    folder = make_inputs(tmp_path / "in", 12)
    # the batch's TMPDIR, where its profiles live: short, as the forkserver's socket path
    # must fit in 108 bytes
    scratch = Path(tempfile.mkdtemp(prefix="cg-", dir="/tmp"))
    request.addfinalizer(lambda: shutil.rmtree(scratch, ignore_errors=True))
    out = tmp_path / "out"
    env = dict(os.environ, TMPDIR=str(scratch))
    env.pop("XDG_RUNTIME_DIR", None)
    log = tmp_path / "batch.log"
    with open(log, "w") as stderr:
        process = subprocess.Popen(CLI + ["batch", str(folder), "-o", str(out), "--format",
                                          "pdf", "-j", "2"], env=env,
                                   stdout=subprocess.DEVNULL, stderr=stderr,
                                   start_new_session=True)
    offices = wait_for(lambda: [p for p in processes_naming(str(scratch))
                                if "soffice.bin" in command_of(p)], timeout=120)
    assert offices, f"LibreOffice was never seen running: {log.read_text()[-2000:]}"
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    time.sleep(3)
    assert processes_naming(str(scratch)) == []
    runs = scratch / f"contratgen-{os.getuid()}"   # the private run folder
    assert [p for p in runs.iterdir() if p.name.startswith("pdf-")]  # left
    rerun = subprocess.run(CLI + ["batch", str(folder), "-o", str(out), "--format", "pdf",
                                  "-j", "2"], env=env, capture_output=True, text=True,
                           timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    assert len(list(out.glob("*.pdf"))) == 12
    assert list(runs.iterdir()) == []    # the dead run's profiles removed, ours too
    assert processes_naming(str(scratch)) == []


def test_pool_workers_and_the_forkserver_die_with_a_killed_batch(tmp_path):
    """kill -9 of the batch process alone (not its group): nothing it started stays."""
    folder = make_inputs(tmp_path / "in", 40)
    process = subprocess.Popen(CLI + ["batch", str(folder), "-o", str(tmp_path / "out"),
                                      "--format", "docx", "-j", "2"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    children = wait_for(lambda: (lambda found: found if len(found) >= 3 else [])(
        descendants(process.pid)), timeout=60)
    assert len(children) >= 3, "no forkserver and pool workers seen"
    process.kill()
    process.wait()
    assert wait_for(lambda: gone(children), timeout=3), \
        [command_of(p)[:80] for p in children if not gone([p])]


# --- Dask ----------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def listeners_of(pids: list[int]) -> set[str]:
    """The local addresses the processes listen on (TCP, from /proc/net/tcp*)."""
    inodes = set()
    for pid in pids:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A" and fields[9] in inodes:      # LISTEN
                address, port = fields[1].split(":")
                found.add(f"{address}:{int(port, 16)}")
    return found


@pytest.fixture
def dask_cluster(tmp_path):
    pytest.importorskip("distributed")
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    scheduler = subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_scheduler",
                                  "--host", "127.0.0.1", "--port", str(port),
                                  "--dashboard-address", "127.0.0.1:0"], stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL, cwd=tmp_path)
    worker = subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_worker", address,
                               "--host", "127.0.0.1", "--dashboard-address", "127.0.0.1:0",
                               "--nthreads", "1",
                               "--nworkers", "1"], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, cwd=tmp_path,
                              env=dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path)))

    def accepting() -> bool:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return True
        except OSError:
            return False
    assert wait_for(accepting, timeout=60), "the Dask scheduler did not start"
    yield address, [scheduler, worker]
    for process in (worker, scheduler):
        process.kill()
        process.wait()


def test_a_lost_dask_cluster_ends_the_batch_with_a_manifest_and_exit_3(
        tmp_path, dask_cluster, monkeypatch):
    from contratgen.batch import BatchConfig, run_batch
    monkeypatch.setattr("contratgen.batch.executors.DASK_LOST_AFTER", 5.0)
    address, processes = dask_cluster
    folder = make_inputs(tmp_path / "in", 60)
    out = tmp_path / "out"
    result = {}
    runner = threading.Thread(target=lambda: result.setdefault("code", run_batch(BatchConfig(
        inputs=(str(folder),), out_dir=out, jobs=1, scheduler=address))), daemon=True)
    runner.start()
    assert wait_for(lambda: out.exists() and len(list(out.glob("*.docx"))) >= 2, timeout=120)
    for process in processes:
        process.kill()
    runner.join(timeout=120)
    assert not runner.is_alive(), "the batch hangs after its cluster died"
    assert result["code"] == 3
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "complete"
    assert manifest["summary"]["total"] == 60
    lost = [e for e in manifest["inputs"] if e["status"] != "ok"]
    assert lost
    for entry in lost:
        message = (entry["diagnostics"][0]["message"] if entry["diagnostics"]
                   else entry["reason"])
        assert "Dask" in message and "internal error" not in message, entry


def test_a_dask_cluster_started_as_documented_listens_on_loopback_only(dask_cluster):
    """docs/BATCH.md: --host and --dashboard-address on the scheduler and the workers
    (--no-dashboard alone still serves /health and /metrics on 0.0.0.0)."""
    _, processes = dask_cluster
    time.sleep(5)   # the worker starts its listeners after the scheduler
    addresses = listeners_of([p.pid for p in processes] +
                             [c for p in processes for c in descendants(p.pid)])
    assert addresses
    assert all(a.startswith(("0100007F:", "00000000000000000000000001000000:"))
               for a in addresses), addresses


def test_worker_processes_that_cannot_start_are_exit_3_not_internal_errors(tmp_path):
    deep = tmp_path / ("x" * 100)            # the forkserver's socket path cannot fit
    deep.mkdir()
    folder = make_inputs(tmp_path / "in", 3)
    result = subprocess.run(CLI + ["batch", str(folder), "-o", str(tmp_path / "out"),
                                   "--format", "docx", "-j", "2"], capture_output=True,
                            text=True, env=dict(os.environ, TMPDIR=str(deep)), timeout=120)
    assert result.returncode == 3, result.stderr
    assert "[batch.workers]" in result.stderr and "internal error" not in result.stderr
    assert json.loads((tmp_path / "out" / "manifest.json").read_text())["status"] == "complete"
