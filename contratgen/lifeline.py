"""Children die with their parent, however the parent dies.

A batch starts pool workers (through a forkserver), LibreOffice workers and their
``soffice.bin``. ``kill -9`` of the batch runs no ``finally``: without help they would
run forever, 185 MB each. Two means, both Linux-only and harmless elsewhere:

- ``PR_SET_PDEATHSIG``: the kernel signals a process when its parent exits;
- :func:`watch`: a daemon thread that waits on the pid of the process that matters
  (a pidfd where the kernel has them, else a poll) and ends this process, or its group.
"""
from __future__ import annotations

import os
import select
import signal
import sys
import threading
import time
from typing import Callable

_PR_SET_PDEATHSIG = 1
POLL_SECONDS = 0.5   # the watch's fallback without pidfds


def die_with_parent(sig: int = signal.SIGKILL) -> bool:
    """Ask the kernel to send ``sig`` to this process when its parent exits. Call it in
    the child (a ``preexec_fn``, a pool initializer); True when it was set."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes   # here: a build that never starts a child does not load ctypes
        import ctypes.util
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return libc.prctl(_PR_SET_PDEATHSIG, int(sig), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def alive(pid: int) -> bool:
    """Whether a process with this pid exists (ours or another user's)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _wait_for_exit(pid: int) -> None:
    try:
        fd = os.pidfd_open(pid)
    except (AttributeError, OSError):
        fd = None
    if fd is not None:
        try:
            select.select([fd], [], [])   # readable when the process has exited
        finally:
            os.close(fd)
        return
    while alive(pid):
        time.sleep(POLL_SECONDS)


def _end_this_process() -> None:
    os._exit(1)


def watch(pid: int, then: Callable[[], None] = _end_this_process) -> threading.Thread:
    """Run ``then`` (default: exit this process at once) when process ``pid`` exits."""
    def guard() -> None:
        _wait_for_exit(pid)
        then()
    thread = threading.Thread(target=guard, name=f"contratgen-lifeline-{pid}", daemon=True)
    thread.start()
    return thread


def worker_start(parent: int) -> None:
    """In a pool worker: die with the forkserver that forked it, and with the batch
    process ``parent`` (which is not its parent)."""
    die_with_parent()
    watch(parent)
