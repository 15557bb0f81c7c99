"""Writing outputs: safe file names, atomic all-or-nothing writes, leftovers of killed writers.

A document's outputs (its DOCX and PDF) are staged under hidden temporary names, flushed
to disk, then renamed into place together; if any rename fails the ones already done are
undone, so a reader sees the old pair or the new pair, never one of each.
"""
from __future__ import annotations

import contextvars
import errno
import os
import re
import secrets
import tempfile
import unicodedata
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator, Mapping

from .lifeline import alive

_UMASK = os.umask(0o022)
os.umask(_UMASK)
_UNSAFE = re.compile(r"[^\w.\-]+", re.UNICODE)
# Windows refuses these as a name's stem (before the first dot), whatever the extension
# and the case: "nul.docx" and "COM1.pdf" cannot be created there.
_RESERVED = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$",
             *{f"{port}{n}" for port in ("COM", "LPT") for n in (*"0123456789", *"¹²³")}}
TMP_SUFFIX = ".contratgen-tmp"
_TMP_NAME = re.compile(r"^\..+\.(\d+)\.[^.]+" + re.escape(TMP_SUFFIX) + "$")
# the folders written inside :func:`synced_at_end` (None outside: every write is flushed)
_DEFERRED: contextvars.ContextVar[set | None] = contextvars.ContextVar("deferred", default=None)


def safe_name(number: str) -> str:
    """A document number made safe as a file name on Linux, macOS and Windows: no
    separators, no '..', no dot first, no trailing dot or space, no reserved device name."""
    name = unicodedata.normalize("NFC", number)
    name = _UNSAFE.sub("_", name).strip("._ ")
    name = re.sub(r"\.{2,}", ".", name)
    if name.split(".")[0].upper() in _RESERVED:
        name = f"_{name}"
    # at most 120 characters and 150 UTF-8 bytes, leaving room in the 255-byte limit of
    # file names for the extension and the temporary name's prefix and suffix
    name = name[:120]
    while len(name.encode("utf-8")) > 150:
        name = name[:-1]
    return name.rstrip(". ") or "document"


def name_key(path: str | Path) -> str:
    """What two names share when a case-insensitive disk (Windows, macOS) would make them
    one file: ``CT-1.docx`` and ``ct-1.docx`` have one key."""
    return unicodedata.normalize("NFC", os.fspath(path)).casefold()


def _hidden_name(target: Path, kind: str) -> str:
    # the writer's pid in the name: a rerun removes what a killed writer left (see
    # remove_stale_temporaries) without touching the files another live writer is using
    return f".{target.name}.{os.getpid()}.{kind}{secrets.token_hex(4)}{TMP_SUFFIX}"


def _stage(target: Path, data: bytes | Iterable[bytes]) -> Path:
    """Write ``data`` (bytes, or chunks of bytes) to a hidden temporary file beside
    ``target``, flushed to disk."""
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.{os.getpid()}.", suffix=TMP_SUFFIX,
                               dir=target.parent)
    try:
        os.fchmod(fd, 0o666 & ~_UMASK)  # mkstemp makes 0600; outputs are ordinary files
        with os.fdopen(fd, "wb") as handle:
            for chunk in ((data,) if isinstance(data, bytes) else data):
                handle.write(chunk)
            handle.flush()
            if _DEFERRED.get() is None:
                os.fsync(handle.fileno())
    except BaseException:
        _unlink(Path(tmp))
        raise
    return Path(tmp)


def _unlink(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass


def _sync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def remove_stale_temporaries(directory: Path) -> int:
    """Remove the temporary files of writers that were killed (kill -9, power loss)."""
    removed = 0
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return 0
    for entry in entries:
        match = _TMP_NAME.match(entry.name)
        if match and not alive(int(match.group(1))):
            _unlink(Path(entry.path))
            removed += 1
    return removed


def _check_target(target: Path) -> None:
    if target.is_dir():
        raise IsADirectoryError(errno.EISDIR, "is a folder, not a file: nothing was written",
                                str(target))


def _backup(target: Path) -> Path | None:
    """A hard link to the file ``target`` names now, to put it back if a later rename
    fails (None when there is none, or the disk has no hard links)."""
    if not os.path.lexists(target):
        return None
    backup = target.parent / _hidden_name(target, "old")
    try:
        os.link(target, backup, follow_symlinks=False)
    except OSError:
        return None
    return backup


def _install(staged: list[tuple[Path, Path]]) -> None:
    """Rename every staged file into place, or — if one rename fails — none."""
    done: list[tuple[Path, Path | None, bool]] = []
    try:
        for tmp, target in staged:
            existed = os.path.lexists(target)
            backup = _backup(target)
            try:
                os.replace(tmp, target)
            except BaseException:
                if backup is not None:
                    _unlink(backup)
                raise
            done.append((target, backup, existed))
    except BaseException:
        for target, backup, existed in reversed(done):
            if backup is not None:
                os.replace(backup, target)
            elif not existed:
                _unlink(target)
        raise
    for _, backup, _ in done:
        if backup is not None:
            _unlink(backup)


def write_files(files: Mapping[Path, bytes | Iterable[bytes]]) -> list[Path]:
    """Write several files as one step: every file is staged (written and flushed under a
    temporary name) before any is renamed into place. A failure — a full disk, a
    read-only folder, a folder where a file should go — leaves every old file as it was
    and no temporary file; a reader sees old files or new files, never a part of one."""
    staged: list[tuple[Path, Path]] = []
    try:
        for target, data in files.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            _check_target(target)
            try:
                staged.append((_stage(target, data), target))
            except OSError as exc:  # name the file the user asked for, not our temporary
                raise OSError(exc.errno, exc.strerror, str(target)) from None
        _install(staged)
    except BaseException:
        for tmp, _ in staged:
            _unlink(tmp)
        raise
    deferred = _DEFERRED.get()
    for parent in {target.parent for target in files}:
        if deferred is None:
            _sync_dir(parent)
        else:
            deferred.add(parent)
    return list(files)


@contextmanager
def synced_at_end() -> Iterator[None]:
    """Inside, files are still staged and renamed into place (a kill -9 leaves old files
    or new files, never a part of one) but not flushed one by one: at the end, one
    ``syncfs`` of each file system written to (``os.sync`` where there is no syncfs) and
    one fsync of each folder make them all durable at once — a batch's cost of
    durability is one flush, not two per file."""
    folders: set = set()
    token = _DEFERRED.set(folders)
    try:
        yield
    finally:
        _DEFERRED.reset(token)
        _sync_filesystems(folders)
        for folder in folders:
            _sync_dir(folder)


def _sync_filesystems(folders: set) -> None:
    if not folders:
        return
    syncfs = _libc_syncfs()
    if syncfs is None:
        os.sync()
        return
    devices: set = set()
    for folder in folders:
        try:
            fd = os.open(folder, os.O_RDONLY)
        except OSError:
            continue
        try:
            device = os.fstat(fd).st_dev
            if device not in devices and syncfs(fd) != 0:
                os.sync()
            devices.add(device)
        finally:
            os.close(fd)


def _libc_syncfs():
    """libc's ``syncfs(fd)`` (Linux), or None."""
    try:
        import ctypes
        return ctypes.CDLL(None, use_errno=True).syncfs   # the process's own libc
    except (OSError, AttributeError, ImportError):
        return None


def write_atomic(path: Path, data: bytes | Iterable[bytes]) -> None:
    """One file, atomically; ``data`` may be an iterable of chunks (a long manifest)."""
    write_files({Path(path): data})


def write_outputs(outputs: dict[str, bytes], out_dir: Path, stem: str) -> list[Path]:
    """Write every output of one document together (see :func:`write_files`)."""
    return write_files({Path(out_dir) / f"{stem}.{ext}": data for ext, data in outputs.items()})
