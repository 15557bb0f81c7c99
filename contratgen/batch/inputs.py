"""Inputs of a batch: files, folders and globs; stable shards; the key of an input's
outputs (what ``--changed-only`` compares)."""
from __future__ import annotations

import glob
import hashlib
import json
import os
import re
import threading
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from .. import __version__
from ..assemble import dependencies
from ..document import Options
from ..diagnostics import UserError
from ..load.salvage import parse_partial
from ..load.source import Source, load_bytes
from ..resources import shipped
from .entry import Entry, Status


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
_PACKAGE_DATA = shipped("data")


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


_FOLDERS: dict[str, str] = {}   # folder → digest, for the batch running in this process


def forget_digests() -> None:
    """A new batch: folders are hashed again (once each, at their first use)."""
    with _DIGESTS_LOCK:
        _FOLDERS.clear()


def _dir_digest(directory: Path | str) -> str:
    """One hash for the *.yaml files of a folder (names and contents), once per batch."""
    name = os.fspath(directory)
    with _DIGESTS_LOCK:
        known = _FOLDERS.get(name)
    if known is None:
        known = _hash_folder(directory)
        with _DIGESTS_LOCK:
            _FOLDERS[name] = known
    return known


def _hash_folder(directory: Path | str) -> str:
    try:
        entries = sorted((e.name, e.path, e.stat()) for e in os.scandir(directory)
                         if e.name.endswith(".yaml") and e.is_file())
    except OSError:
        return "missing"
    parts = "\n".join(f"{name}:{_file_digest(path, stat)}" for name, path, stat in entries)
    return hashlib.sha256(parts.encode()).hexdigest()


def input_key(path: Path, source: Source, raw_sha256: str, options: Options,
              formats: tuple[str, ...], pdfa: bool, client=None) -> str:
    """A hash of everything an input's outputs depend on: its bytes, the clause library
    folders, the template, the annexes (for PDF), contratgen's version and data, the
    formats and options. The files are the prepared document's own (``client``), found
    by the build's rules (:func:`contratgen.assemble.dependencies`); without a client the
    file is parsed for them, so the batch can compute the key without building."""
    if client is None:
        client = parse_partial(source).client
    if client is None:   # does not even parse: its bytes are all it depends on
        libraries, templates, annexes = [], [], []
    else:
        libraries, template, annexes = dependencies(client, source, options,
                                                    "pdf" in formats)
        templates = [template]
    parts = {
        "contratgen": __version__, "data": _dir_digest(_PACKAGE_DATA),
        "formats": sorted(formats), "pdfa": pdfa, "strict": options.strict,
        "allow_outside_paths": options.allow_outside_paths, "input": raw_sha256,
        "library": [_dir_digest(Path(d)) for d in libraries],
        "templates": [_file_digest(t) for t in templates],
        "annexes": [_file_digest(a) for a in annexes],
        "rates": options.rates.digest() if options.rates else None,
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


def up_to_date(previous: Optional[Entry], key: Optional[str], out_dir: Path) -> bool:
    """Same key as last time, and every output still there with its recorded SHA-256."""
    if previous is None or key is None or previous.key != key:
        return False
    if previous.status not in (Status.OK, Status.SKIPPED) or not previous.outputs:
        return False
    for output in previous.outputs:
        if Path(output.file).name != output.file or output.file.startswith("."):
            return False   # a manifest edited to point elsewhere: rebuild
        target = out_dir / output.file
        try:
            if target.stat().st_size != output.size:
                return False
            if hashlib.sha256(target.read_bytes()).hexdigest() != output.sha256:
                return False
        except OSError:
            return False
    return True
