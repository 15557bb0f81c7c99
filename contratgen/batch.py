"""``contratgen batch``: many inputs, in parallel, with a manifest CI can trust.

    expand inputs → keep this shard → skip what is up to date → build (executor)
      → write (atomic, one writer: this process) → report (manifest.json, JUnit, progress)

An *executor* turns one :class:`Job` into one :class:`Result` (the entry for the
manifest plus the bytes of the outputs); it never raises for a user's mistake. Three of
them:

- in-process (``-j 1``): the pipeline runs here, one document after the other;
- local processes (``-j N``): a process pool renders the DOCX and finalizes the PDF,
  while LibreOffice conversions go to ONE shared :class:`~contratgen.pdf.Converter` with
  N warm workers in this process (threads wait on it, so the GIL is not in the way);
- Dask (``--scheduler tcp://…``): each task builds one document on a cluster worker
  (which keeps its own warm LibreOffice for PDF) and sends the bytes back.

Only this process writes files, so outputs are atomic and never written twice, and at
most a small window of documents is in flight: memory stays flat however long the batch.
"""
from __future__ import annotations

import glob
import hashlib
import json
import multiprocessing
import os
import re
import sys
import threading
import time
import traceback
import unicodedata
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Iterator, Optional
from xml.etree import ElementTree as ET

from . import __version__
from .build import Options, prepare, render_document, safe_name, to_pdf, write_atomic, \
    write_outputs, remove_stale_temporaries
from .output import name_key
from .diagnostics import ERROR, Diagnostic, ExternalError, UserError, print_diagnostics
from .source import Source, load_bytes

MANIFEST = "manifest.json"
MAX_EXTERNAL_FAILURES = 3     # LibreOffice failing this often is not one input's fault
SCHEDULER_TIMEOUT = "20s"     # to connect to a Dask scheduler


@dataclass(frozen=True)
class BatchConfig:
    inputs: tuple[str, ...]              # files, folders (every *.yaml) or globs
    out_dir: Path
    jobs: int = 1                        # worker processes (and LibreOffice workers)
    shard: Optional[str] = None          # "K/N"
    report: Optional[Path] = None        # a copy of the manifest
    junit: Optional[Path] = None
    formats: tuple[str, ...] = ("docx",)
    pdfa: bool = False
    keep_going: bool = True
    changed_only: bool = False
    scheduler: Optional[str] = None      # tcp://host:port of a Dask scheduler
    options: Options = field(default_factory=Options)


# --- inputs and shards ------------------------------------------------------------------

def display_path(path: str | Path) -> str:
    """How an input is named everywhere (manifest, diagnostics, shard key): relative to
    the current folder when inside it, in POSIX form, NFC; absolute otherwise."""
    absolute = os.path.abspath(path)
    relative = os.path.relpath(absolute)
    shown = absolute if relative.startswith("..") else relative
    return unicodedata.normalize("NFC", Path(shown).as_posix())


def expand_inputs(patterns: tuple[str, ...] | list[str]) -> list[str]:
    """Files as given, folders as their *.yaml (sorted), globs as their matches (sorted);
    each input once. A folder or glob with nothing in it is a usage error (ValueError);
    a missing file is left in, to be reported as that input's error."""
    seen: dict[str, None] = {}
    for pattern in patterns:
        path = Path(pattern)
        if path.is_dir():
            found = sorted(path.glob("*.yaml"))
            if not found:
                raise ValueError(f"no *.yaml file in folder '{pattern}'")
        elif any(c in pattern for c in "*?[") and not path.exists():
            found = sorted(Path(p) for p in glob.glob(pattern, recursive=True)
                           if os.path.isfile(p))
            if not found:
                raise ValueError(f"no file matches '{pattern}'")
        else:
            found = [path]
        for item in found:
            seen.setdefault(display_path(item), None)
    return list(seen)


_SHARD = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


def parse_shard(text: Optional[str]) -> Optional[tuple[int, int]]:
    """``"K/N"`` → (K, N), 1 ≤ K ≤ N; a ValueError (usage error) otherwise."""
    if text is None:
        return None
    match = _SHARD.match(text)
    if not match or not 1 <= int(match.group(1)) <= int(match.group(2)):
        raise ValueError(f"--shard must be K/N with 1 <= K <= N (e.g. 2/4), not '{text}'")
    return int(match.group(1)), int(match.group(2))


def shard_of(name: str, count: int) -> int:
    """The shard (1-based) of an input: a hash of its normalized path, so the split does
    not depend on the order or number of the other inputs, nor on the machine."""
    digest = hashlib.sha256(name.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % count + 1


# --- the key of an input's outputs (--changed-only) -----------------------------------------

_DIGESTS: dict[tuple, str] = {}
_DIGESTS_LOCK = threading.Lock()
_PACKAGE_DATA = Path(__file__).resolve().parent / "data"


def _file_digest(path: Path | str, stat: os.stat_result | None = None) -> str:
    """SHA-256 of a file's bytes, memoized by (path, mtime, size, inode)."""
    try:
        stat = stat or os.stat(path)
    except OSError:
        return "missing"
    memo = (os.fspath(path), stat.st_mtime_ns, stat.st_size, stat.st_ino)
    with _DIGESTS_LOCK:
        digest = _DIGESTS.get(memo)
    if digest is None:
        try:
            digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
        except OSError:
            return "missing"
        with _DIGESTS_LOCK:
            _DIGESTS[memo] = digest
    return digest


def _dir_digest(directory: Path | str) -> str:
    """One hash for the *.yaml files of a folder (names and contents)."""
    try:
        entries = sorted((e.name, e.path, e.stat()) for e in os.scandir(directory)
                         if e.name.endswith(".yaml") and e.is_file())
    except OSError:
        return "missing"
    parts = "\n".join(f"{name}:{_file_digest(path, stat)}" for name, path, stat in entries)
    return hashlib.sha256(parts.encode()).hexdigest()


def input_key(path: Path, source: Source, raw_sha256: str, options: Options,
              formats: tuple[str, ...], pdfa: bool) -> str:
    """A hash of everything an input's outputs depend on: its bytes, the clause library
    files, the template, the annexes (for PDF), contratgen's version and data, the formats
    and options. Computed from the raw data, so the batch can compute it without building;
    it errs on the side of rebuilding (every library folder that could apply counts)."""
    from .library import SHIPPED
    from .render import SHIPPED_TEMPLATES
    data = source.data if isinstance(source.data, dict) else {}
    base = Path(path).resolve().parent
    document = data.get("document") if isinstance(data.get("document"), dict) else {}
    library = data.get("library")
    own_library = library.get("path") if isinstance(library, dict) else library
    libraries = [SHIPPED, *options.library_dirs] + \
        ([base / own_library] if isinstance(own_library, str) else [])
    if isinstance(document.get("template"), str):
        templates = [base / document["template"]]
    else:
        folder = Path(options.templates_dir or SHIPPED_TEMPLATES)
        kind = document.get("type")
        templates = [folder / f"{kind}.docx"] if kind in ("quote", "contract") \
            else sorted(folder.glob("*.docx"))   # not even valid: over-include
    annexes = [base / a["path"] for a in data.get("annexes") or []
               if isinstance(a, dict) and isinstance(a.get("path"), str)] \
        if "pdf" in formats else []
    parts = {
        "contratgen": __version__, "data": _dir_digest(_PACKAGE_DATA),
        "formats": sorted(formats), "pdfa": pdfa, "strict": options.strict,
        "allow_outside_paths": options.allow_outside_paths, "input": raw_sha256,
        "library": [_dir_digest(Path(d)) for d in libraries],
        "templates": [_file_digest(t) for t in templates],
        "annexes": [_file_digest(a) for a in annexes],
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def current_key(path: Path, display: str, options: Options, formats: tuple[str, ...],
                pdfa: bool) -> Optional[str]:
    """The key of an input as it is now, or None when it does not even parse."""
    try:
        raw = path.read_bytes()
        source = load_bytes(raw, display)
    except (OSError, UserError):
        return None
    return input_key(path, source, hashlib.sha256(raw).hexdigest(), options, formats, pdfa)


def up_to_date(previous: Optional[dict], key: Optional[str], out_dir: Path) -> bool:
    """Same key as last time, and every output still there with its recorded SHA-256."""
    if not previous or key is None or previous.get("key") != key:
        return False
    if previous.get("status") not in ("ok", "skipped") or not previous.get("outputs"):
        return False
    for output in previous["outputs"]:
        target = out_dir / output["file"]
        try:
            if target.stat().st_size != output["size"]:
                return False
            if hashlib.sha256(target.read_bytes()).hexdigest() != output["sha256"]:
                return False
        except OSError:
            return False
    return True


# --- one document: Job → Result (runs in a worker) ----------------------------------------

@dataclass(frozen=True)
class Job:
    index: int
    path: str                 # absolute: workers may run elsewhere
    display: str              # the name in diagnostics and the manifest
    formats: tuple[str, ...]
    pdfa: bool
    options: Options


@dataclass
class Result:
    index: int
    entry: dict[str, Any]                                  # the manifest entry, minus outputs
    files: dict[str, bytes] = field(default_factory=dict)  # extension → bytes
    seconds: float = 0.0
    external: bool = False                                 # LibreOffice failed, not the input

    @property
    def ok(self) -> bool:
        return self.entry["status"] == "ok"


class _Converted:
    """A stand-in converter returning a PDF converted elsewhere (by the parent's pool)."""

    def __init__(self, pdf: bytes):
        self.pdf = pdf

    def convert(self, docx: bytes, name: str = "document") -> bytes:
        return self.pdf


def _relabel(diagnostics, job: Job) -> list[dict]:
    """Diagnostics as dicts, the input named as the user wrote it (workers see it absolute)."""
    out = []
    for d in diagnostics:
        item = d.as_dict()
        if item["file"] == job.path:
            item["file"] = job.display
        out.append(item)
    return out


def _entry(job: Job, status: str, diagnostics=(), prepared=None) -> dict[str, Any]:
    entry: dict[str, Any] = {"input": job.display, "status": status, "document": None,
                             "type": None, "input_sha256": None, "key": None, "outputs": [],
                             "clauses": [], "diagnostics": _relabel(diagnostics, job)}
    if prepared is not None:
        provenance = prepared.provenance()
        entry.update(document=provenance["document"], type=provenance["type"],
                     input_sha256=prepared.input_sha256, clauses=provenance["clauses"],
                     key=input_key(Path(job.path), prepared.source, prepared.input_sha256,
                                   job.options, job.formats, job.pdfa))
    return entry


def _guarded(job: Job, started: float, step: Callable[[], Result]) -> Result:
    """Run one step; a user's mistake, a LibreOffice failure or a bug becomes this input's
    error, never the batch's."""
    try:
        result = step()
    except UserError as exc:
        result = Result(job.index, _entry(job, "error", exc.diagnostics))
    except ExternalError as exc:
        diag = Diagnostic(job.display, 0, 0, ERROR, str(exc), "pdf.conversion")
        result = Result(job.index, _entry(job, "error", [diag]), external=True)
    except Exception as exc:  # a bug: report it against this input, keep the batch going
        where = traceback.extract_tb(exc.__traceback__)[-1]
        diag = Diagnostic(job.display, 0, 0, ERROR, f"internal error: {type(exc).__name__}: "
                          f"{exc} (at {Path(where.filename).name}:{where.lineno})", "internal")
        result = Result(job.index, _entry(job, "error", [diag]))
    result.seconds = time.perf_counter() - started
    return result


def build_job(job: Job, converter=None) -> Result:
    """prepare → render → (convert → finalize) for one input. Without a converter it stops
    after the DOCX (the caller converts, then calls :func:`finish_pdf`)."""
    def step() -> Result:
        prepared = prepare(Path(job.path), job.options)
        files = {"docx": render_document(prepared)}
        if "pdf" in job.formats and converter is not None:
            files["pdf"] = to_pdf(prepared, files["docx"], converter, job.pdfa)
        return Result(job.index, _entry(job, "ok", prepared.diagnostics, prepared), files)
    return _guarded(job, time.perf_counter(), step)


def finish_pdf(job: Job, docx: bytes, raw_pdf: bytes) -> Result:
    """Finalize a PDF converted by the parent (signature fields, metadata, annexes)."""
    def step() -> Result:
        prepared = prepare(Path(job.path), job.options)
        pdf = to_pdf(prepared, docx, _Converted(raw_pdf), job.pdfa)
        return Result(job.index, _entry(job, "ok", prepared.diagnostics, prepared),
                      {"docx": docx, "pdf": pdf})
    return _guarded(job, time.perf_counter(), step)


def _conversion_failed(job: Job, result: Result, exc: Exception) -> Result:
    diag = Diagnostic(job.display, 0, 0, ERROR, f"PDF conversion failed: {exc}",
                      "pdf.conversion")
    entry = dict(result.entry, status="error", outputs=[],
                 diagnostics=result.entry["diagnostics"] + [diag.as_dict()])
    return Result(job.index, entry, seconds=result.seconds, external=True)


# --- executors: Job → Future[Result] ----------------------------------------------------------

def _new_converter(workers: int, pdfa: bool):
    from .pdf import Converter, ConverterMissing
    try:
        return Converter(workers=workers, pdfa=pdfa)
    except ConverterMissing as exc:
        raise ExternalError(str(exc)) from None


@contextmanager
def in_process(config: BatchConfig) -> Iterator[tuple[Callable[[Job], Future], int]]:
    """``-j 1``: everything here, one document at a time."""
    converter = _new_converter(1, config.pdfa) if "pdf" in config.formats else None
    try:
        def submit(job: Job) -> Future:
            future: Future = Future()
            future.set_result(build_job(job, converter))
            return future
        yield submit, 1
    finally:
        if converter is not None:
            converter.close()


def _init_worker(cwd: str) -> None:
    os.chdir(cwd)  # a forkserver's children start in the folder the server started in


def _process_context():
    if sys.platform.startswith("linux"):
        # forkserver: workers fork from a clean, single-threaded server that has already
        # imported the pipeline (fork from here would copy our threads' locks).
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["contratgen.batch"])
        return context
    return multiprocessing.get_context("spawn")


@contextmanager
def local_processes(config: BatchConfig) -> Iterator[tuple[Callable[[Job], Future], int]]:
    """``-j N``: N processes render and finalize; one shared LibreOffice pool converts."""
    from concurrent.futures import ProcessPoolExecutor
    from .pdf import ConversionFailed, ConverterMissing
    pdf = "pdf" in config.formats
    converter = _new_converter(config.jobs, config.pdfa) if pdf else None
    processes = ProcessPoolExecutor(config.jobs, mp_context=_process_context(),
                                    initializer=_init_worker, initargs=(os.getcwd(),))
    in_flight = 2 * config.jobs   # enough to keep processes and LibreOffice busy
    threads = ThreadPoolExecutor(in_flight, thread_name_prefix="contratgen-batch")

    def pipeline(job: Job) -> Result:
        result = processes.submit(build_job, job).result()
        if not (pdf and result.ok):
            return result
        docx = result.files["docx"]
        try:
            raw = converter.convert(docx, result.entry["document"] or job.display)
        except (ConversionFailed, ConverterMissing) as exc:
            return _conversion_failed(job, result, exc)
        finished = processes.submit(finish_pdf, job, docx, raw).result()
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


def _safe_pipeline(pipeline: Callable[[Job], Result], job: Job) -> Result:
    started = time.perf_counter()

    def step() -> Result:
        return pipeline(job)
    return _guarded(job, started, step)   # e.g. a worker process killed by the OOM killer


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
        return build_job(job)
    try:
        converter = _worker_converter(job.pdfa)
    except ExternalError as exc:
        diag = Diagnostic(job.display, 0, 0, ERROR, f"on the Dask worker: {exc}",
                          "pdf.conversion")
        return Result(job.index, _entry(job, "error", [diag]), external=True)
    return build_job(job, converter)


@contextmanager
def dask_cluster(config: BatchConfig) -> Iterator[tuple[Callable[[Job], Future], int]]:
    """``--scheduler tcp://…``: one task per document on a Dask cluster. Workers need the
    inputs, library and templates at the same absolute paths (a shared checkout)."""
    try:
        from distributed import Client
    except ImportError:
        raise ExternalError("--scheduler needs Dask: pip install 'contratgen[dask]'") from None
    try:
        client = Client(config.scheduler, timeout=SCHEDULER_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise ExternalError(f"cannot reach the Dask scheduler at {config.scheduler}: "
                            f"{exc}") from None
    cores = sum(client.nthreads().values()) or 1
    in_flight = 2 * max(cores, config.jobs)
    threads = ThreadPoolExecutor(in_flight, thread_name_prefix="contratgen-dask")

    def remote(job: Job) -> Result:
        return client.submit(dask_build, job, pure=False,
                             key=f"contratgen-{job.index}-{os.getpid()}-{time.time_ns()}"
                             ).result()

    try:
        yield (lambda job: threads.submit(_safe_pipeline, remote, job)), in_flight
    finally:
        threads.shutdown(wait=True, cancel_futures=True)
        client.close()


def _executor(config: BatchConfig):
    if config.scheduler:
        return dask_cluster(config)
    if config.jobs <= 1:
        return in_process(config)
    return local_processes(config)


# --- progress ----------------------------------------------------------------------------

class Progress:
    """A rich progress bar on a terminal; plain ``[12/500] ok CT-2026-0042`` lines in CI."""

    def __init__(self, total: int, stream=None):
        self.stream = stream or sys.stdout
        self.total, self.done = total, 0
        self.bar = None
        if total and self.stream.isatty():
            from rich.progress import BarColumn, MofNCompleteColumn, Progress as Bar, \
                TextColumn, TimeRemainingColumn
            self.bar = Bar(TextColumn("building"), BarColumn(), MofNCompleteColumn(),
                           TimeRemainingColumn(), TextColumn("{task.description}"),
                           transient=True)
            self.task = self.bar.add_task("", total=total)
            self.bar.start()

    def step(self, entry: dict) -> None:
        self.done += 1
        label = entry.get("document") or entry["input"]
        if self.bar is not None:
            self.bar.update(self.task, advance=1, description=label)
        else:
            reason = f" ({entry['reason']})" if entry.get("reason") else ""
            print(f"[{self.done}/{self.total}] {entry['status']} {label}{reason}",
                  file=self.stream, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


# --- the batch -----------------------------------------------------------------------------

def _absolute(options: Options) -> Options:
    """Options with absolute folders: workers may run in another folder or machine."""
    return replace(options,
                   library_dirs=tuple(Path(d).resolve() for d in options.library_dirs),
                   templates_dir=Path(options.templates_dir).resolve()
                   if options.templates_dir else None)


def _previous(out_dir: Path) -> dict[str, dict]:
    try:
        manifest = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
        return {entry["input"]: entry for entry in manifest.get("inputs", [])}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


class Batch:
    """The state of one run: entries by input, files written, counts, and the writer."""

    def __init__(self, config: BatchConfig, inputs: list[str]):
        self.config, self.inputs = config, inputs
        self.entries: dict[int, dict] = {}
        self.seconds: dict[int, float] = {}
        self.stems: dict[str, str] = {}            # output stem → the input that made it
        self.external_failures = 0
        self.not_run = "not run"                   # why an input has no entry, if any
        self.progress = Progress(len(inputs))

    def record(self, index: int, entry: dict, seconds: float = 0.0) -> None:
        self.entries[index] = entry
        self.seconds[index] = seconds
        self.progress.step(entry)

    def accept(self, result: Result) -> None:
        """Write a finished document (atomically), print its diagnostics, record it."""
        entry = result.entry
        self.external_failures += result.external
        if result.ok:
            entry = self._write(result)
        print_diagnostics(Diagnostic(**d) for d in entry["diagnostics"])
        self.record(result.index, entry, result.seconds)

    def _write(self, result: Result) -> dict:
        entry = result.entry
        stem = safe_name(entry["document"])
        owner = self.stems.setdefault(name_key(stem), entry["input"])  # CT-1 is ct-1
        if owner != entry["input"]:
            diag = Diagnostic(entry["input"], *_number_position(entry["input"]), ERROR,
                              f"document number '{entry['document']}' is also the number "
                              f"of {owner}: both would be written to {stem}.*",
                              "batch.duplicate-number")
            return dict(entry, status="error", key=None,
                        diagnostics=entry["diagnostics"] + [diag.as_dict()])
        outputs = []
        for ext in self.config.formats:
            data = result.files[ext]
            outputs.append({"format": ext, "file": f"{stem}.{ext}", "size": len(data),
                            "sha256": hashlib.sha256(data).hexdigest()})
        # all formats of one document land together, or none of them
        write_outputs({ext: result.files[ext] for ext in self.config.formats},
                      self.config.out_dir, stem)
        return dict(entry, outputs=outputs)

    def manifest(self) -> dict:
        entries = []
        for index, name in enumerate(self.inputs):
            entries.append(self.entries.get(index) or {
                "input": name, "status": "skipped", "reason": self.not_run, "document": None,
                "type": None, "input_sha256": None, "key": None, "outputs": [], "clauses": [],
                "diagnostics": []})
        counts = {status: sum(e["status"] == status for e in entries)
                  for status in ("ok", "error", "skipped")}
        config = self.config
        return {"contratgen": __version__, "formats": list(config.formats),
                "pdfa": config.pdfa, "shard": config.shard,
                "summary": {"total": len(entries), **counts}, "inputs": entries}

    def write_reports(self) -> dict:
        manifest = self.manifest()
        data = (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
        write_atomic(self.config.out_dir / MANIFEST, data)
        if self.config.report:
            write_atomic(Path(self.config.report), data)
        if self.config.junit:
            write_atomic(Path(self.config.junit), junit_xml(manifest, self.seconds))
        return manifest


def _number_position(display: str) -> tuple[int, int]:
    try:
        source = load_bytes(Path(display).read_bytes(), display)
        return source.where(("document", "number"))
    except (OSError, UserError):
        return 0, 0


def junit_xml(manifest: dict, seconds: dict[int, float] | None = None) -> bytes:
    """JUnit XML: one test case per input; a failure carries its located diagnostics."""
    seconds = seconds or {}
    entries = manifest["inputs"]
    summary = manifest["summary"]
    suite = ET.Element("testsuite", name="contratgen batch", tests=str(summary["total"]),
                       failures=str(summary["error"]), errors="0",
                       skipped=str(summary["skipped"]),
                       time=f"{sum(seconds.values()):.3f}")
    for index, entry in enumerate(entries):
        case = ET.SubElement(suite, "testcase", classname="contratgen.batch",
                             name=entry["input"], file=entry["input"],
                             time=f"{seconds.get(index, 0.0):.3f}")
        lines = [str(Diagnostic(**d)) for d in entry["diagnostics"]]
        if entry["status"] == "error":
            errors = [str(Diagnostic(**d)) for d in entry["diagnostics"]
                      if d["severity"] == ERROR] or lines or ["failed"]
            failure = ET.SubElement(case, "failure", message=errors[0],
                                    type=entry["diagnostics"][0]["code"]
                                    if entry["diagnostics"] else "error")
            failure.text = "\n".join(lines)
        elif entry["status"] == "skipped":
            ET.SubElement(case, "skipped", message=entry.get("reason", "skipped"))
        if lines and entry["status"] != "error":
            ET.SubElement(case, "system-out").text = "\n".join(lines)
    root = ET.Element("testsuites", name="contratgen", tests=suite.get("tests"),
                      failures=suite.get("failures"), errors="0", time=suite.get("time"))
    root.append(suite)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def run_batch(config: BatchConfig) -> int:
    """Build every input of this shard; exit code 0 (all written), 1 (an input failed:
    every other one is still written unless --fail-fast) or 3 (LibreOffice failed)."""
    shard = parse_shard(config.shard)
    if config.jobs < 1:
        raise ValueError("-j must be at least 1")
    inputs = expand_inputs(config.inputs)
    if shard:
        inputs = [name for name in inputs if shard_of(name, shard[1]) == shard[0]]
    config = replace(config, options=_absolute(config.options), out_dir=Path(config.out_dir))
    config.out_dir.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(config.out_dir)  # left by a batch that was killed
    previous = _previous(config.out_dir) if config.changed_only else {}
    batch = Batch(config, inputs)
    try:
        _run(config, inputs, previous, batch)
    finally:
        batch.progress.close()
        manifest = batch.write_reports()
    summary = manifest["summary"]
    print(f"batch: {summary['ok']} ok, {summary['error']} error, {summary['skipped']} skipped"
          f" → {config.out_dir / MANIFEST}", file=sys.stderr)
    if batch.external_failures:
        return 3
    return 1 if summary["error"] else 0


def _run(config: BatchConfig, inputs: list[str], previous: dict, batch: Batch) -> None:
    with _executor(config) as (submit, in_flight):
        pending: set[Future] = set()
        stop = False

        def drain(block_until: int) -> None:
            nonlocal pending, stop
            while len(pending) > block_until:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    if future.cancelled():
                        continue
                    result = future.result()
                    batch.accept(result)
                    failed = not batch.entries[result.index]["status"] == "ok"
                    if failed and not config.keep_going:
                        stop, batch.not_run = True, "not run: --fail-fast after an error"
                    if batch.external_failures >= MAX_EXTERNAL_FAILURES:
                        stop, batch.not_run = True, "not run: LibreOffice keeps failing"
                if stop:
                    for future in pending:
                        future.cancel()

        for index, name in enumerate(inputs):
            if stop:
                break
            path = Path(name).resolve()
            old = previous.get(name)
            if old and up_to_date(old, current_key(path, name, config.options, config.formats,
                                                   config.pdfa), config.out_dir):
                batch.record(index, dict(old, status="skipped", reason="up to date"))
                continue
            pending.add(submit(Job(index, str(path), name, config.formats, config.pdfa,
                                   config.options)))
            drain(in_flight - 1)
        drain(0)
