"""The user's private folders: one run folder (temporary files, LibreOffice profiles and
pipes, markers) and one cache folder, each created 0700 and refused when another account
owns it, can write it, or when it is a link — the check Jinja's ``FileSystemBytecodeCache``
makes of its default folder, made here for every private folder of ours.

    run_root()    $XDG_RUNTIME_DIR/contratgen, else $TMPDIR/contratgen-<uid>
    cache_root()  $CONTRATGEN_CACHE_DIR, else $XDG_CACHE_HOME/contratgen, else ~/.cache/contratgen
                  (None when CONTRATGEN_CACHE_DIR=off)
"""
from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from .diagnostics import ExternalError


class UnsafeFolder(ExternalError):
    """A private folder that another account owns or can write, or that is not a folder."""


def _check(path: Path) -> None:
    """Refuse ``path`` unless it is a real folder of ours that only we can write."""
    info = path.lstat()   # never follows a link: a link is refused below
    if not stat.S_ISDIR(info.st_mode):
        raise UnsafeFolder(f"{path} is not a folder (a link or a file in its place): "
                           "refusing to use it; remove it or set TMPDIR to a private folder")
    if info.st_uid != os.getuid():
        raise UnsafeFolder(f"{path} belongs to another account (uid {info.st_uid}): "
                           "refusing to use it; set TMPDIR to a private folder")
    if info.st_mode & 0o077 and not info.st_mode & 0o022:
        # ours, readable by others but writable by none: tightened, as Jinja does for its
        # own cache folder (a cache made before the folders were private)
        os.chmod(path, 0o700)
        info = path.lstat()
    if info.st_mode & 0o077:
        raise UnsafeFolder(f"{path} can be read or written by other accounts (mode "
                           f"{stat.S_IMODE(info.st_mode):o}): refusing to use it; "
                           f"`chmod 700 {path}` if it is yours")


def private_dir(path: Path) -> Path:
    """``path`` as a private folder: created 0700 (its parents as needed), or checked."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.mkdir(path, 0o700)
    except FileExistsError:
        pass
    _check(path)
    return path


def run_root() -> Path:
    """The user's private run folder (see the module's docstring)."""
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and Path(runtime).is_dir():
        return private_dir(Path(runtime) / "contratgen")
    return private_dir(Path(tempfile.gettempdir()) / f"contratgen-{os.getuid()}")


def cache_root() -> Path | None:
    """The user's private cache folder, or None when ``CONTRATGEN_CACHE_DIR=off``."""
    chosen = os.environ.get("CONTRATGEN_CACHE_DIR")
    if chosen == "off":
        return None
    if chosen:
        return private_dir(Path(chosen))
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return private_dir(Path(base) / "contratgen")
