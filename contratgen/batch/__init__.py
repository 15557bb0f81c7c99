"""``contratgen batch``: many inputs, in parallel, with a manifest CI can trust.

    entry.py      the records of the report: Entry, Output, Status, RunStatus
    inputs.py     files, folders, globs; shards; the key of an input's outputs
    jobs.py       one document: Job → Result (runs in a worker)
    executors.py  in-process, local processes, Dask — Job → Future[Result]
    manifest.py   the folder lock, the journal, manifest.json, JUnit, --verify
    run.py        the run: lock → inputs → executor → write → report
    invoice_jobs.py, invoice_run.py   ``--invoices``: every invoice of each input, on the
                  same executors, manifest and report
"""
from .entry import Entry, Output, RunStatus, Status
from .executors import DASK_LOST_AFTER, SCHEDULER_TIMEOUT, ClusterLost, dask_build
from .inputs import BatchConfig, expand_inputs, input_key, parse_shard, shard_of
from .jobs import Job, Result, build_job, finish_pdf
from .manifest import MANIFEST, FolderLocked, read_manifest, verify
from .run import MAX_EXTERNAL_FAILURES, run_batch
from .invoice_run import run_invoice_batch

__all__ = ["BatchConfig", "ClusterLost", "DASK_LOST_AFTER", "Entry", "FolderLocked", "Job",
           "Output", "RunStatus", "Status",
           "MANIFEST", "MAX_EXTERNAL_FAILURES", "Result", "SCHEDULER_TIMEOUT", "build_job",
           "dask_build", "expand_inputs", "finish_pdf", "input_key", "parse_shard",
           "read_manifest", "run_batch", "run_invoice_batch", "shard_of", "verify"]
