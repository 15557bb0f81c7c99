"""Executors: each turns a :class:`~contratgen.batch.jobs.Job` into a Future of its
:class:`~contratgen.batch.jobs.Result`.

- in-process (``-j 1``): the pipeline runs here, one document after the other;
- local threads (``-j N --format pdf``, N up to ``PDF_THREADS_UP_TO``): N warm
  LibreOffice workers of ONE :class:`~contratgen.pdf.workers.Converter` convert, and a few
  threads of this process prepare, render and finalize the documents around them. Our
  Python costs about a fifth of LibreOffice's time per document (prepare + render
  ~10 ms, finalize ~6 ms, against ~100 ms of LibreOffice CPU), so one interpreter keeps
  a few LibreOffice busy; processes would only add their start (a forkserver, imports
  and caches warmed in each), a second ``prepare`` and the bytes sent back and forth,
  on the very cores LibreOffice needs;
- local processes (``-j N`` otherwise): a process pool renders the DOCX and finalizes the
  PDF, while LibreOffice conversions go to the shared Converter with N warm workers in
  this process (threads wait on it, so the GIL is not in the way);
- Dask (``--scheduler tcp://…``): each task builds one document on a cluster worker
  (which keeps its own warm LibreOffice for PDF) and sends the bytes back.

Pool workers die with the batch however it dies (see :mod:`contratgen.lifeline`); a lost
Dask cluster (no worker, or no scheduler, for ``DASK_LOST_AFTER`` seconds) ends each
input still waiting with a clear error, never a hang.
"""
from __future__ import annotations

import multiprocessing
import multiprocessing.util
import os
import sys
import threading
import time
from concurrent.futures import CancelledError, Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator

from .. import leftovers, lifeline
from ..diagnostics import ERROR, Diagnostic, ExternalError
from .entry import Status
from .inputs import BatchConfig
from .jobs import Job, Result, conversion_failed, entry_for, finish_job, guarded, run_job

PDF_THREADS_UP_TO = 4          # -j N with PDF: this many LibreOffice fed by our threads
SCHEDULER_TIMEOUT = "20s"     # to connect to a Dask scheduler
DASK_POLL = 2.0               # seconds between two looks at the cluster while a task runs
DASK_LOST_AFTER = 30.0        # no worker, or no scheduler, this long: the cluster is lost


class ClusterLost(ExternalError):
    """The Dask cluster went away while documents were being built."""

    code = "batch.cluster-lost"


class WorkersFailed(ExternalError):
    """The local worker processes could not start."""

    code = "batch.workers"


def _new_converter(workers: int, pdfa: bool, warm: bool = False):
    from ..pdf.workers import Converter, ConverterMissing
    try:
        return Converter(workers=workers, pdfa=pdfa, warm=warm)
    except ConverterMissing as exc:
        raise ExternalError(str(exc)) from None


@contextmanager
def in_process(config: BatchConfig) -> Iterator[tuple[Callable[[Job], Future], int]]:
    """``-j 1``: everything here, one document at a time."""
    # LibreOffice starts now, while the first document is prepared
    converter = _new_converter(1, config.pdfa, warm=True) if "pdf" in config.formats else None
    try:
        def submit(job: Job) -> Future:
            future: Future = Future()
            future.set_result(run_job(job, converter))
            return future
        yield submit, 1
    finally:
        if converter is not None:
            converter.close()


@contextmanager
def local_threads(config: BatchConfig) -> Iterator[tuple[Callable[[Job], Future], int]]:
    """``-j N`` with PDF: N LibreOffice workers, the rest of the pipeline on threads here
    (each job built whole: prepared once, converted by the shared pool, finalized)."""
    # LibreOffice starts now, while the first documents are prepared
    converter = _new_converter(config.jobs, config.pdfa, warm=True)
    in_flight = 3 * config.jobs + 1   # each LibreOffice's queue full, a DOCX ready for it
    threads = ThreadPoolExecutor(in_flight, thread_name_prefix="contratgen-batch")

    def pipeline(job: Job) -> Result:
        return run_job(job, converter)

    try:
        yield (lambda job: threads.submit(_safe_pipeline, pipeline, job)), in_flight
    finally:
        threads.shutdown(wait=True, cancel_futures=True)
        converter.close()


def _init_worker(cwd: str, batch_pid: int) -> None:
    os.chdir(cwd)  # a forkserver's children start in the folder the server started in
    lifeline.worker_start(batch_pid)  # die with the forkserver and with the batch


def _process_context():
    if sys.platform.startswith("linux"):
        # forkserver: workers fork from a clean, single-threaded server that has already
        # imported the pipeline (fork from here would copy our threads' locks).
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["contratgen.batch.jobs",
                                        "contratgen.batch.invoice_jobs"])
        return context
    return multiprocessing.get_context("spawn")


@contextmanager
def local_processes(config: BatchConfig) -> Iterator[tuple[Callable[[Job], Future], int]]:
    """``-j N``: N processes render and finalize; one shared LibreOffice pool converts."""
    from concurrent.futures import ProcessPoolExecutor
    from ..pdf.workers import ConversionFailed, ConverterMissing
    pdf = "pdf" in config.formats
    # LibreOffice starts now, while the pool renders the first DOCX
    converter = _new_converter(config.jobs, config.pdfa, warm=True) if pdf else None
    leftovers.remove_dead_runs()   # what batches killed before us left
    # the forkserver's socket folder (pymp-…) is named by multiprocessing: record it, so
    # a later run removes it if this one is killed
    note = leftovers.record(Path(multiprocessing.util.get_temp_dir()))
    processes = ProcessPoolExecutor(config.jobs, mp_context=_process_context(),
                                    initializer=_init_worker,
                                    initargs=(os.getcwd(), os.getpid()))
    in_flight = 2 * config.jobs   # enough to keep processes and LibreOffice busy
    threads = ThreadPoolExecutor(in_flight, thread_name_prefix="contratgen-batch")

    def in_pool(*task) -> Result:
        try:
            return processes.submit(*task).result()
        except OSError as exc:   # the pool itself cannot start (e.g. AF_UNIX path too long)
            raise WorkersFailed(f"the worker processes could not start: {exc} (a shorter "
                                "TMPDIR, or -j 1)") from None

    def pipeline(job: Job) -> Result:
        result = in_pool(run_job, job)
        if not (pdf and result.ok):
            return result
        try:
            raws = {label: converter.convert(docx, label)
                    for label, docx in job.conversions(result).items()}
        except (ConversionFailed, ConverterMissing) as exc:
            return conversion_failed(job, result, exc)
        finished = in_pool(finish_job, job, result, raws)
        finished.seconds += result.seconds
        return finished

    def submit(job: Job) -> Future:
        return threads.submit(_safe_pipeline, pipeline, job)

    try:
        yield submit, in_flight
    finally:
        threads.shutdown(wait=True, cancel_futures=True)
        processes.shutdown(wait=True, cancel_futures=True)
        if converter is not None:
            converter.close()
        leftovers.forget(note)   # multiprocessing removes pymp-… at exit


def _safe_pipeline(pipeline: Callable[[Job], Result], job: Job) -> Result:
    started = time.perf_counter()

    def step() -> Result:
        return pipeline(job)
    return guarded(job, started, step)   # e.g. a worker process killed by the OOM killer


_WORKER_CONVERTERS: dict[bool, Any] = {}
_WORKER_LOCK = threading.Lock()


def _worker_converter(pdfa: bool):
    """On a Dask worker: one warm LibreOffice per worker process, kept between tasks."""
    with _WORKER_LOCK:
        if pdfa not in _WORKER_CONVERTERS:
            _WORKER_CONVERTERS[pdfa] = _new_converter(1, pdfa)
        return _WORKER_CONVERTERS[pdfa]


def dask_build(job: Job) -> Result:
    """The Dask task: one whole document on a cluster worker."""
    if "pdf" not in job.formats:
        return run_job(job)
    try:
        converter = _worker_converter(job.pdfa)
    except ExternalError as exc:
        diag = Diagnostic(job.display, 0, 0, ERROR, f"on the Dask worker: {exc}",
                          "pdf.conversion")
        return Result(job.index, entry_for(job, Status.ERROR, [diag]), external=True)
    return run_job(job, converter)


@contextmanager
def dask_cluster(config: BatchConfig) -> Iterator[tuple[Callable[[Job], Future], int]]:
    """``--scheduler tcp://…``: one task per document on a Dask cluster. Workers need the
    inputs, library and templates at the same absolute paths (a shared checkout)."""
    try:
        from distributed import Client
    except ImportError:
        raise ExternalError("--scheduler needs Dask: pip install 'contratgen[dask]'") from None
    try:
        # results come from the worker that built them, not through the scheduler (which
        # still serves any it could not reach directly)
        client = Client(config.scheduler, timeout=SCHEDULER_TIMEOUT, set_as_default=False,
                        heartbeat_interval="2s", direct_to_workers=True)
    except (OSError, TimeoutError, ValueError) as exc:
        raise ExternalError(f"cannot reach the Dask scheduler at {config.scheduler}: "
                            f"{exc}") from None
    cores = sum(client.nthreads().values()) or 1
    in_flight = 2 * max(cores, config.jobs)
    threads = ThreadPoolExecutor(in_flight, thread_name_prefix="contratgen-dask")

    def remote(job: Job) -> Result:
        future = client.submit(dask_build, job, pure=False,
                               key=f"contratgen-{job.index}-{os.getpid()}-{time.time_ns()}")
        return _await(client, future, watch)

    watch = _ClusterWatch()
    try:
        yield (lambda job: threads.submit(_safe_pipeline, remote, job)), in_flight
    finally:
        threads.shutdown(wait=True, cancel_futures=True)
        try:
            client.close(timeout=10)
        except Exception:  # noqa: BLE001 - closing a client whose cluster is gone
            pass


class _ClusterWatch:
    """Since when the cluster has had no worker or no scheduler (shared by the threads)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.down_since: float | None = None

    def check(self, client) -> None:
        try:
            up = client.status == "running" and bool(client.scheduler_info().get("workers"))
        except Exception:  # noqa: BLE001 - a client losing its scheduler raises many kinds
            up = False
        now = time.monotonic()
        with self.lock:
            self.down_since = None if up else (self.down_since or now)
            lost = self.down_since is not None and now - self.down_since > DASK_LOST_AFTER
        if lost:
            raise ClusterLost(f"the Dask cluster was lost (no scheduler or no worker for "
                              f"{DASK_LOST_AFTER:g} s); this document was not built")


def _await(client, future, watch: _ClusterWatch) -> Result:
    """The task's result; a lost cluster or a cancelled task is a ClusterLost."""
    while True:
        try:
            return future.result(timeout=DASK_POLL)
        except (FutureTimeout, TimeoutError):
            watch.check(client)
        except CancelledError:   # distributed's FutureCancelledError: the scheduler died
            raise ClusterLost("the Dask scheduler was lost while building this document "
                              "(its task was cancelled)") from None
        except OSError as exc:
            raise ClusterLost(f"the Dask cluster was lost: {exc}") from None


def executor(config: BatchConfig):
    if config.scheduler:
        return dask_cluster(config)
    if config.jobs <= 1:
        return in_process(config)
    if "pdf" in config.formats and config.jobs <= PDF_THREADS_UP_TO:
        return local_threads(config)
    return local_processes(config)

