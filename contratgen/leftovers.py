"""What a killed run leaves behind, and how a later run removes it.

Everything lives in the user's private run folder (:func:`contratgen.private.run_root`,
0700, refused when another account owns it or can write it): no other account can plant a
file there for us to trust. Each :class:`~contratgen.pdf.workers.Converter` works in
``<run root>/pdf-<pid>-…``: its workers' LibreOffice profiles, their scratch files, the
documents in flight. soffice creates two Unix sockets, named after the pipe and after the
profile (:mod:`contratgen.office_pipes`: where, and why they stay ours). A process that is
``kill -9``-ed cleans nothing; the next converter started looks for folders whose pid is
dead, ends any process of ours still running from them (matched by the folder's path in
``/proc/*/cmdline``), removes their sockets and the folder.

Other temporaries a run makes under a name it does not choose (the forkserver's ``pymp-…``
folder) are recorded in ``tmp-<pid>-…`` notes (:func:`record`) and removed the same way
when that pid is dead.

The clean-up trusts nothing it reads: every entry is ``lstat``-ed (ours, of the expected
type, never a link followed), a note is read up to :data:`NOTE_BYTES` and decoded with
errors handled, and a folder is removed only where its note says it may be.
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import stat
import tempfile
from pathlib import Path

from .lifeline import alive
from .office_pipes import pipe_name, remove as remove_sockets
from .private import run_root

PREFIX = "pdf-"
NOTE_BYTES = 4096   # a note or a profile-path file is a path: never read more
_RUN_DIR = re.compile(re.escape(PREFIX) + r"(\d{1,10})-")
_RECORD = re.compile(r"tmp-(\d{1,10})-")


def run_prefix() -> str:
    """The prefix of this process's converter folders (its pid recorded in the name)."""
    return f"{PREFIX}{os.getpid()}-"


def new_run_dir() -> Path:
    """A fresh converter folder of this process in the private run folder."""
    return Path(tempfile.mkdtemp(prefix=run_prefix(), dir=run_root()))


def processes_using(path: Path) -> list[int]:
    """Our processes whose command line names ``path`` (Linux /proc)."""
    needle = str(path).encode()
    found = []
    for entry in Path("/proc").iterdir() if Path("/proc").is_dir() else ():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if entry.stat().st_uid != os.getuid():
                continue
            if needle in (entry / "cmdline").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def _ours(path: Path, kind) -> bool:
    """``path`` is, without following a link, of type ``kind`` and ours."""
    try:
        info = os.lstat(path)
    except OSError:
        return False
    return kind(info.st_mode) and info.st_uid == os.getuid()


def read_note(path: Path) -> str | None:
    """The text of a small file of ours: None when it is not a regular file of ours,
    is a link, is larger than :data:`NOTE_BYTES` or cannot be decoded."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid() \
                or info.st_size > NOTE_BYTES:
            return None
        data = os.read(fd, NOTE_BYTES + 1)
    except OSError:
        return None
    finally:
        os.close(fd)
    if len(data) > NOTE_BYTES:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _remove_run(run_dir: Path, sockets: Path) -> None:
    for pid in processes_using(run_dir):
        try:
            os.kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    for home in run_dir.glob("worker*"):
        if not _ours(home, stat.S_ISDIR):
            continue
        kept = read_note(home / "profile-path")  # a kept profile (pdf/office_profile.py)
        profile = Path(kept) if kept and os.path.isabs(kept) else home / "profile"
        remove_sockets(profile, pipe_name(home), sockets)
    shutil.rmtree(run_dir, ignore_errors=True)   # never follows a link inside


def record(path: Path) -> Path:
    """Note that this process made the temporary folder ``path``; returns the note
    (remove it with :func:`forget` once ``path`` is cleaned up)."""
    fd, note = tempfile.mkstemp(prefix=f"tmp-{os.getpid()}-", dir=run_root())
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(str(path))
    return Path(note)


def forget(note: Path) -> None:
    note.unlink(missing_ok=True)


def _remove_recorded(note: Path) -> None:
    text = read_note(note)
    path = Path(text) if text and os.path.isabs(text) else None
    # only a folder of ours in the system's temporary folder, made by multiprocessing
    if path is not None and path.parent == Path(tempfile.gettempdir()) \
            and path.name.startswith("pymp-") and _ours(path, stat.S_ISDIR):
        shutil.rmtree(path, ignore_errors=True)
    forget(note)


def remove_dead_runs(root: str | Path | None = None) -> int:
    """Remove the folders, processes and sockets of runs whose process is dead, from the
    private run folder (``root``: the tests' stand-in for it)."""
    root = Path(root) if root is not None else run_root()
    removed = 0
    try:
        entries = list(os.scandir(root))
    except OSError:
        return 0
    for entry in entries:
        run, note = _RUN_DIR.match(entry.name), _RECORD.match(entry.name)
        path = Path(entry.path)
        if run and _ours(path, stat.S_ISDIR) and not alive(int(run.group(1))):
            _remove_run(path, root)
            removed += 1
        elif note and _ours(path, stat.S_ISREG) and not alive(int(note.group(1))):
            _remove_recorded(path)
            removed += 1
    return removed
