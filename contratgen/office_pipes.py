"""The Unix sockets of a LibreOffice worker, and why no other account can use them.

soffice makes two sockets: the ``--accept`` pipe our UNO script talks through, and a
"single instance" pipe named after an MD5 of the profile URL (UTF-16, unpadded hex;
desktop/source/app/officeipcthread.cxx). LibreOffice puts them in ``/tmp`` when it can
write there, else ``/var/tmp``, else in ``OSL_SOCKET_PATH`` (sal/osl/unx/pipe.cxx, which
we set to the private run folder: it is used only where the shared folders are not
writable). In a shared folder three things keep them ours:

- soffice runs with umask 077 (:data:`contratgen.pdf.office_worker.PRIVATE_UMASK`): its
  sockets are mode 0700, and connecting to a Unix socket needs write permission on it,
  so no other account can drive our LibreOffice;
- before a start, :func:`prepare` refuses a socket name another account holds (one
  planted at the single-instance name would receive soffice's command line and make it
  exit; one at the pipe's name would answer our UNO script) and removes our stale ones;
- the UNO script connects only once the socket is there and ours (``lstat``: owner and
  type) — in a sticky ``/tmp`` nobody else can then replace it.
"""
from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

from .private import run_root

SHARED_DIRS = ("/tmp", "/var/tmp")


class ForeignSocket(Exception):
    """A socket name of ours is held by another account (or is not a socket)."""


def socket_dir() -> Path:
    """The private folder named in ``OSL_SOCKET_PATH`` (the run folder: short enough for
    a socket's path)."""
    return run_root()


def pipe_name(home: Path) -> str:
    """The UNO pipe of the worker whose folder is ``home`` (the converter folder's name
    holds the pid and a random part: unique on the machine, and short)."""
    return f"cg-{home.parent.name}-{home.name}"


def single_instance_name(profile: Path) -> str:
    digest = hashlib.md5(profile.as_uri().encode("utf-16-le")).digest()
    return "SingleOfficeIPC_" + "".join(format(byte, "x") for byte in digest)


def office_sockets(profile: Path, pipe: str, private: Path) -> list[Path]:
    """Every place soffice may make the two sockets of a worker (its pipe ``pipe``, its
    profile ``profile``): the shared folders and the private one."""
    uid = os.getuid()
    names = (pipe, single_instance_name(profile))
    return [Path(directory) / f"OSL_PIPE_{uid}_{name}"
            for directory in (*SHARED_DIRS, str(private)) for name in names]


def _owner_and_kind(path: Path) -> tuple[int, int] | None:
    try:
        info = os.lstat(path)
    except OSError:
        return None
    return info.st_uid, info.st_mode


def prepare(profile: Path, pipe: str, private: Path) -> None:
    """Before soffice starts: remove our stale sockets of this worker, and raise
    :class:`ForeignSocket` when another account holds one of their names."""
    for socket in office_sockets(profile, pipe, private):
        found = _owner_and_kind(socket)
        if found is None:
            continue
        uid, mode = found
        if uid != os.getuid() or not stat.S_ISSOCK(mode):
            raise ForeignSocket(
                f"{socket} is held by another account (uid {uid}) or is not a socket: "
                "refusing to start LibreOffice next to it (ask the machine's administrator; "
                "see SECURITY.md)")
        socket.unlink(missing_ok=True)


def remove(profile: Path, pipe: str, private: Path) -> None:
    """Remove the sockets a killed soffice left: only sockets of ours."""
    for socket in office_sockets(profile, pipe, private):
        found = _owner_and_kind(socket)
        if found is not None and found[0] == os.getuid() and stat.S_ISSOCK(found[1]):
            socket.unlink(missing_ok=True)
