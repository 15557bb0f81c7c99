"""A throw-away local account for the tests where another account attacks (root only):
created with ``useradd``, removed after the test."""
from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest


@contextmanager
def other_account() -> Iterator[int]:
    """The uid of a new account with no home and no login; skips unless run as root
    with ``useradd``."""
    if os.getuid() != 0 or not shutil.which("useradd"):
        pytest.skip("needs root and useradd to create another account")
    name = f"cgx{uuid.uuid4().hex[:8]}"
    subprocess.run(["useradd", "--no-create-home", "--shell", "/usr/sbin/nologin", name],
                   check=True, capture_output=True)
    try:
        yield pwd.getpwnam(name).pw_uid
    finally:
        subprocess.run(["userdel", name], capture_output=True)


def run_as(uid: int, code: str, **kwargs) -> subprocess.CompletedProcess:
    """Python ``code`` run by the account ``uid`` (its own group, no supplementary ones)."""
    return subprocess.run(["python3", "-I", "-c", code], user=uid,
                          group=pwd.getpwuid(uid).pw_gid, extra_groups=[], capture_output=True,
                          text=True, cwd="/", **kwargs)


def start_as(uid: int, code: str) -> subprocess.Popen:
    """Like :func:`run_as`, in the background (its stdout a pipe)."""
    return subprocess.Popen(["python3", "-I", "-c", code], user=uid,
                            group=pwd.getpwuid(uid).pw_gid, extra_groups=[],
                            stdout=subprocess.PIPE, text=True, cwd="/")
