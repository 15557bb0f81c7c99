"""Watching the input, the clause library folders and the template with ``watchfiles``.

Folders are watched, not the files themselves: an editor that saves by writing a new
file and renaming it over the old one (vim, many IDEs) would otherwise be lost after the
first save. A change is kept when it is the input itself, a ``*.yaml`` file of a library
folder, or the template.
"""
from __future__ import annotations

import threading
from pathlib import Path
from typing import Callable, Iterable

from watchfiles import watch

STEP_MS = 50          # a change is reported after this long without another one
DEBOUNCE_MS = 400     # …or after this long at most, while changes keep coming


def _resolved(path: Path) -> Path:
    try:
        return Path(path).resolve()
    except (OSError, RuntimeError):
        return Path(path).absolute()


class Targets:
    """The folders to watch for a set of watched paths, and the filter for their changes."""

    def __init__(self, watched: Iterable[Path]):
        self.files: set[Path] = set()
        self.folders: set[Path] = set()
        for path in map(_resolved, watched):
            (self.folders if path.is_dir() else self.files).add(path)
        self.roots = tuple(sorted({p for p in self.folders if p.is_dir()} |
                                  {p.parent for p in self.files if p.parent.is_dir()}))

    @property
    def key(self) -> tuple:
        return self.roots, frozenset(self.files), frozenset(self.folders)

    def __call__(self, change, name: str) -> bool:
        path = _resolved(Path(name))
        return path in self.files or (path.suffix == ".yaml" and path.parent in self.folders)


def fingerprint(watched: Iterable[Path]) -> tuple:
    """Modification times and sizes of the watched files and of the ``*.yaml`` files of
    the watched folders: what a rebuild saw."""
    found = []
    for path in map(_resolved, watched):
        paths = sorted(path.glob("*.yaml")) if path.is_dir() else [path]
        for file in paths:
            try:
                stat = file.stat()
            except OSError:
                found.append((str(file), None))
                continue
            found.append((str(file), stat.st_mtime_ns, stat.st_size))
    return tuple(found)


def watch_loop(watched: Callable[[], Iterable[Path]], stale: Callable[[], bool],
               on_change: Callable[[], None], stop: threading.Event) -> None:
    """Call ``on_change`` after each burst of relevant changes until ``stop`` is set.

    ``stale`` is also asked every half second (a save made before the watcher was ready,
    or one the file system did not report, is not lost); ``watched`` is asked again
    after each rebuild: it may point the document at another template or folder."""
    while not stop.is_set():
        targets = Targets(watched())
        if not targets.roots:
            stop.wait(0.5)
            continue
        for _changes in watch(*targets.roots, watch_filter=targets, stop_event=stop,
                              debounce=DEBOUNCE_MS, step=STEP_MS, rust_timeout=500,
                              yield_on_timeout=True, raise_interrupt=False,
                              recursive=False):
            if stop.is_set():
                break
            if not _changes and not stale():
                continue
            on_change()
            if Targets(watched()).key != targets.key:
                break   # watch the new set
