"""The manifest a CI can trust: what each input gave, with the SHA-256 of every output as
it was renamed into place, and whether the run that wrote it finished.

- one batch at a time per output folder (:func:`folder_lock`, an ``flock`` released by
  the kernel however the holder dies);
- ``manifest.json`` says ``"status": "running"`` from the start of a run; each entry is
  appended to a journal (``.manifest.journal``, one JSON line) once its outputs are in
  place, so memory stays flat and a killed run leaves true entries behind;
- at the end the manifest is rewritten atomically from the journal (``"complete"``, or
  ``"interrupted"`` when an error or a signal ended the run early);
- :func:`verify` re-hashes the outputs against the manifest (or a dead run's journal).
"""
from __future__ import annotations

import hashlib
import json
import os
from array import array
from collections import Counter
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator, Optional
from xml.etree import ElementTree as ET

from .. import __version__
from ..diagnostics import ERROR, WARNING, Diagnostic, ExternalError, UserError
from .entry import Entry, RunStatus, Status, not_run

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no flock, one batch is the user's care
    fcntl = None

MANIFEST = "manifest.json"
JOURNAL = ".manifest.journal"
LOCK = ".contratgen-batch.lock"
STATUSES = tuple(Status)


class FolderLocked(ExternalError):
    """Another batch is writing into this output folder (exit 3)."""


def _holder(fd: int) -> str:
    try:
        return os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
    except OSError:
        return "unknown"


@contextmanager
def folder_lock(out_dir: Path) -> Iterator[None]:
    """Hold the folder's batch lock for the ``with`` block, or raise FolderLocked."""
    if fcntl is None:
        yield
        return
    path = Path(out_dir) / LOCK
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            pid = _holder(fd)
            os.close(fd)
            raise FolderLocked(f"another batch (pid {pid}) is writing into {out_dir}: wait "
                               "for it to finish, or use another -o folder") from None
        try:  # the file we locked may be one a finishing batch has just removed
            if os.stat(path).st_ino == os.fstat(fd).st_ino:
                break
        except FileNotFoundError:
            pass
        os.close(fd)
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        try:
            path.unlink()
        except FileNotFoundError:
            pass
        os.close(fd)


def header(status: RunStatus, formats, pdfa: bool, shard, summary: Optional[dict]) -> dict:
    return {"contratgen": __version__, "status": str(status), "formats": list(formats),
            "pdfa": pdfa, "shard": shard, "summary": summary}


class Journal:
    """The entries of a run, on disk as they come (in completion order), indexed by input."""

    def __init__(self, out_dir: Path, total: int):
        self.path = Path(out_dir) / JOURNAL
        self.file = open(self.path, "w+b")   # a dead run's journal was read before
        self.offsets = array("q", [-1]) * total
        self.counts: Counter = Counter()
        self.seconds = 0.0

    def add(self, index: int, entry: Entry, seconds: float) -> None:
        offset = self.file.seek(0, os.SEEK_END)
        line = json.dumps({"index": index, "seconds": seconds, "entry": entry.as_json()},
                          ensure_ascii=False, separators=(",", ":")) + "\n"
        self.file.write(line.encode("utf-8"))
        self.file.flush()    # in the page cache: a kill -9 of this process keeps it
        self.offsets[index] = offset
        self.counts[entry.status] += 1
        self.seconds += seconds

    def entry(self, index: int) -> tuple[Entry, float]:
        self.file.seek(self.offsets[index])
        record = json.loads(self.file.readline())
        self.file.seek(0, os.SEEK_END)
        return Entry.from_json(record["entry"]), record["seconds"]

    def entries(self, inputs: list[str], reason: str) -> Iterator[tuple[Entry, float]]:
        for index, name in enumerate(inputs):
            if self.offsets[index] >= 0:
                yield self.entry(index)
            else:
                yield not_run(name, reason), 0.0

    def summary(self, total: int) -> dict:
        done = sum(self.counts[s] for s in STATUSES)
        counts = {s: self.counts[s] for s in STATUSES}
        counts[Status.SKIPPED] += total - done
        return {"total": total, **{str(s): n for s, n in counts.items()}}

    def close(self) -> None:
        self.file.close()
        try:
            self.path.unlink()
        except FileNotFoundError:
            pass


def manifest_chunks(head: dict, entries: Iterable[Entry]) -> Iterator[bytes]:
    """The manifest's JSON, one entry at a time (the same text ``json.dumps(indent=2)``
    of the whole would give, without holding it)."""
    text = json.dumps(head, indent=2, ensure_ascii=False)
    yield (text[:-2] + ',\n  "inputs": [').encode("utf-8")
    first = True
    for entry in entries:
        body = json.dumps(entry.as_json(), indent=2, ensure_ascii=False) \
            .replace("\n", "\n    ")
        yield (("\n    " if first else ",\n    ") + body).encode("utf-8")
        first = False
    yield ("]\n}\n" if first else "\n  ]\n}\n").encode("utf-8")


def junit_chunks(entries: Iterable[tuple[Entry, float]], summary: dict,
                 seconds: float) -> Iterator[bytes]:
    """JUnit XML: one test case per input; a failure carries its located diagnostics."""
    yield (f'<?xml version="1.0" encoding="utf-8"?>\n<testsuites name="contratgen" '
           f'tests="{summary["total"]}" failures="{summary["error"]}" errors="0" '
           f'time="{seconds:.3f}">\n  <testsuite name="contratgen batch" '
           f'tests="{summary["total"]}" failures="{summary["error"]}" errors="0" '
           f'skipped="{summary["skipped"]}" time="{seconds:.3f}">\n').encode("utf-8")
    for entry, took in entries:
        case = ET.Element("testcase", classname="contratgen.batch", name=entry.input,
                          file=entry.input, time=f"{took:.3f}")
        lines = [str(d) for d in entry.diagnostics]
        if entry.status is Status.ERROR:
            errors = [str(d) for d in entry.diagnostics if d.is_error] or lines or ["failed"]
            failure = ET.SubElement(case, "failure", message=errors[0],
                                    type=entry.diagnostics[0].code
                                    if entry.diagnostics else "error")
            failure.text = "\n".join(lines)
        elif entry.status is Status.SKIPPED:
            ET.SubElement(case, "skipped", message=entry.reason or "skipped")
        if lines and entry.status is not Status.ERROR:
            ET.SubElement(case, "system-out").text = "\n".join(lines)
        ET.indent(case, space="  ", level=2)
        yield b"    " + ET.tostring(case, encoding="utf-8") + b"\n"
    yield b"  </testsuite>\n</testsuites>\n"


# --- reading a manifest back -------------------------------------------------------------

def _journal_entries(out_dir: Path) -> dict[int, dict]:
    """The entries a run's journal holds (the last one per input; a torn last line,
    written when the run was killed, is left out)."""
    found: dict[int, dict] = {}
    try:
        with open(Path(out_dir) / JOURNAL, "rb") as journal:
            for line in journal:
                try:
                    record = json.loads(line)
                    found[int(record["index"])] = record["entry"]
                except (ValueError, KeyError, TypeError):
                    continue
    except OSError:
        pass
    return found


def read_manifest(out_dir: Path) -> Optional[dict]:
    """The manifest of a folder; for a run that did not finish, with the entries of its
    journal (what it had written when it died)."""
    try:
        manifest = json.loads((Path(out_dir) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("inputs", []), list):
        return None
    if manifest.get("status") == RunStatus.RUNNING:
        entries = _journal_entries(out_dir)
        manifest["inputs"] = [entries[i] for i in sorted(entries)]
    return manifest


def previous_entries(out_dir: Path) -> dict[str, Entry]:
    """The last known entry of each input (for ``--changed-only``); one that cannot be
    read back is left out (its input is rebuilt)."""
    manifest = read_manifest(out_dir) or {}
    entries = (Entry.from_json(data) for data in manifest.get("inputs", []))
    return {entry.input: entry for entry in entries if entry is not None}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _check_output(out_dir: Path, output: dict) -> Optional[str]:
    """Why one recorded output is not what the manifest says, or None."""
    name = str(output.get("file", ""))
    if not name or Path(name).name != name or name.startswith("."):
        return f"'{name}' is not a file of this folder"
    target = Path(out_dir) / name
    try:
        actual = _sha256(target)
    except FileNotFoundError:
        return "is missing"
    except OSError as exc:
        return f"cannot be read: {exc.strerror}"
    if actual != output.get("sha256"):
        return (f"does not match the manifest (sha256 {actual[:16]}…, the manifest says "
                f"{str(output.get('sha256'))[:16]}…)")
    return None


def verify(out_dir: Path) -> tuple[list[Diagnostic], int]:
    """Re-hash every output an "ok" (or up-to-date) entry records: the diagnostics (an
    error per wrong or missing file) and the number of outputs checked."""
    out_dir = Path(out_dir)
    manifest = read_manifest(out_dir)
    if manifest is None:
        raise UserError([Diagnostic(str(out_dir / MANIFEST), 0, 0, ERROR,
                                    "no readable manifest.json in this folder",
                                    "manifest.missing")])
    diags: list[Diagnostic] = []
    if manifest.get("status") == RunStatus.RUNNING:
        diags.append(Diagnostic(str(out_dir / MANIFEST), 0, 0, WARNING,
                                "the batch that wrote this manifest did not finish (killed?); "
                                f"checking the {len(manifest['inputs'])} entries it recorded",
                                "manifest.unfinished"))
    checked = 0
    for entry in manifest["inputs"]:
        if not isinstance(entry, dict) or entry.get("status") not in (Status.OK,
                                                                       Status.SKIPPED):
            continue
        for output in entry.get("outputs") or []:
            checked += 1
            why = _check_output(out_dir, output)
            if why:
                diags.append(Diagnostic(str(out_dir / str(output.get("file"))), 0, 0, ERROR,
                                        f"{why} (input {entry.get('input')})",
                                        "manifest.mismatch"))
    return diags, checked
