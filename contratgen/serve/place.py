"""Where the server listens: ``$XDG_RUNTIME_DIR/contratgen/serve.sock``, else
``/tmp/contratgen-$UID/serve.sock``, in a folder only its owner may enter.

The folder is created with mode 0700. One that exists already is used only if it is a
real folder (not a link), owned by this user, and closed to group and others; anything
else is refused (:class:`UnsafeFolder`): a client does not talk to, and a server does not
listen in, a folder another user could have prepared.
"""
from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

_SUN_PATH = 107   # bytes a Unix socket's path may have (108 with its NUL, Linux)


class UnsafeFolder(Exception):
    """The socket's folder exists with another owner, a wider mode, or is not a folder."""


@dataclass(frozen=True)
class Place:
    folder: Path

    @property
    def socket(self) -> Path:
        return self.folder / "serve.sock"

    @property
    def lock(self) -> Path:
        return self.folder / "serve.lock"   # held by the live server, for its whole life


def runtime_place() -> Place:
    """The folder for this user (not created, not checked: see :func:`prepare`)."""
    runtime = os.environ.get("XDG_RUNTIME_DIR", "")
    if runtime and os.path.isabs(runtime) and os.path.isdir(runtime):
        return Place(Path(runtime) / "contratgen")
    return Place(Path("/tmp") / f"contratgen-{os.getuid()}")


def prepare(place: Place) -> Place:
    """Create the folder (0700) if missing; UnsafeFolder if it cannot be trusted."""
    try:
        os.mkdir(place.folder, 0o700)
    except FileExistsError:
        pass
    check(place)
    if len(os.fsencode(place.socket)) > _SUN_PATH:
        raise UnsafeFolder(f"{place.socket}: path too long for a Unix socket")
    return place


def check(place: Place) -> None:
    """UnsafeFolder unless the folder is ours, a real folder, mode 0700 or narrower."""
    try:
        info = os.lstat(place.folder)
    except FileNotFoundError:
        raise UnsafeFolder(f"{place.folder}: no such folder") from None
    if not stat.S_ISDIR(info.st_mode):
        raise UnsafeFolder(f"{place.folder}: not a folder")
    if info.st_uid != os.getuid():
        raise UnsafeFolder(f"{place.folder}: owned by uid {info.st_uid}, not by you")
    if info.st_mode & 0o077:
        raise UnsafeFolder(f"{place.folder}: mode {stat.S_IMODE(info.st_mode):04o}, "
                           "open to others (it must be 0700)")
