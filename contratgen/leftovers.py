"""What a killed run leaves behind, and how a later run removes it.

Each :class:`~contratgen.pdf.workers.Converter` works in ``$TMPDIR/contratgen-pdf-<pid>-…``: its
workers' LibreOffice profiles, their scratch files, the documents in flight. soffice
also creates two Unix sockets in /tmp, named after the pipe and after the profile. A
process that is ``kill -9``-ed cleans nothing; the next converter started on the machine
looks for folders whose pid is dead, ends any process still running from them (matched
by the folder's path in ``/proc/*/cmdline``), removes their sockets and the folder.

Other temporaries a run makes under a name it does not choose (the forkserver's
``pymp-…`` folder) are recorded in ``contratgen-tmp-<pid>-…`` files (:func:`record`) and
removed the same way when that pid is dead.
"""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import tempfile
from pathlib import Path

from .lifeline import alive

PREFIX = "contratgen-pdf-"
_RUN_DIR = re.compile(re.escape(PREFIX) + r"(\d+)-")
_RECORD = re.compile(r"contratgen-tmp-(\d+)-")


def run_prefix() -> str:
    """The prefix of this process's converter folders (its pid recorded in the name)."""
    return f"{PREFIX}{os.getpid()}-"


def pipe_name(owner: int, home: Path) -> str:
    return f"contratgen-{owner}-{home.parent.name}-{home.name}"


def office_sockets(profile: Path, pipe: str) -> list[Path]:
    """The Unix sockets soffice creates in /tmp whatever TMPDIR says: our --accept pipe
    and its single-instance pipe, named after an MD5 of the profile URL (UTF-16,
    unpadded hex; see desktop/source/app/officeipcthread.cxx)."""
    digest = hashlib.md5(profile.as_uri().encode("utf-16-le")).digest()
    single = "SingleOfficeIPC_" + "".join(format(byte, "x") for byte in digest)
    uid = os.getuid()
    return [Path(directory) / f"OSL_PIPE_{uid}_{name}"
            for directory in ("/tmp", "/var/tmp") for name in (pipe, single)]


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


def _remove_run(run_dir: Path, owner: int) -> None:
    for pid in processes_using(run_dir):
        try:
            os.kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    for home in run_dir.glob("worker*"):
        kept = home / "profile-path"   # a kept profile (pdf/office_profile.py) is elsewhere
        profile = Path(kept.read_text("utf-8")) if kept.is_file() else home / "profile"
        for socket in office_sockets(profile, pipe_name(owner, home)):
            socket.unlink(missing_ok=True)
    shutil.rmtree(run_dir, ignore_errors=True)


def record(path: Path) -> Path:
    """Note that this process made the temporary folder ``path``; returns the note
    (remove it with :func:`forget` once ``path`` is cleaned up)."""
    fd, note = tempfile.mkstemp(prefix=f"contratgen-tmp-{os.getpid()}-")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(str(path))
    return Path(note)


def forget(note: Path) -> None:
    note.unlink(missing_ok=True)


def _remove_recorded(note: Path) -> None:
    try:
        path = Path(note.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        path = None
    # only a folder of the same temporary root, made by multiprocessing or by us
    if path is not None and path.parent == note.parent and path.name.startswith(
            ("pymp-", "contratgen-")):
        shutil.rmtree(path, ignore_errors=True)
    forget(note)


def remove_dead_runs(root: str | Path | None = None) -> int:
    """Remove the folders, processes and sockets of runs whose process is dead."""
    root = Path(root or tempfile.gettempdir())
    removed = 0
    try:
        entries = list(os.scandir(root))
    except OSError:
        return 0
    for entry in entries:
        run, note = _RUN_DIR.match(entry.name), _RECORD.match(entry.name)
        if run and entry.is_dir(follow_symlinks=False) and not alive(int(run.group(1))):
            _remove_run(Path(entry.path), int(run.group(1)))
            removed += 1
        elif note and entry.is_file(follow_symlinks=False) and not alive(int(note.group(1))):
            _remove_recorded(Path(entry.path))
            removed += 1
    return removed
