"""Where LibreOffice is: its ``soffice`` and a Python that can talk UNO to it."""
from __future__ import annotations

import functools
import os
import shutil
import subprocess
from pathlib import Path

_SOFFICE_CANDIDATES = (
    "/usr/bin/soffice",
    "/usr/lib/libreoffice/program/soffice",
    "/opt/libreoffice/program/soffice",
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
)


def find_soffice() -> str | None:
    """The LibreOffice executable: $CONTRATGEN_SOFFICE, then PATH, then usual places."""
    explicit = os.environ.get("CONTRATGEN_SOFFICE")
    if explicit:
        return explicit if is_executable(explicit) else None
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    return next((c for c in _SOFFICE_CANDIDATES if is_executable(c)), None)


def is_executable(path: str) -> bool:
    return os.path.isfile(path) and os.access(path, os.X_OK)


@functools.lru_cache(maxsize=8)
def find_uno_python(soffice: str) -> str | None:
    """A Python interpreter that can ``import uno`` for this LibreOffice, if any."""
    program_dir = Path(os.path.realpath(soffice)).parent
    candidates = [
        os.environ.get("CONTRATGEN_UNO_PYTHON"),
        str(program_dir / "python"),  # bundled on Windows and macOS builds
        "/usr/bin/python3",  # Debian/Ubuntu python3-uno
        shutil.which("python3"),
    ]
    for python in dict.fromkeys(c for c in candidates if c):
        if not is_executable(python):
            continue
        try:
            probe = subprocess.run([python, "-I", "-c", "import uno"],
                                   stdin=subprocess.DEVNULL, capture_output=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if probe.returncode == 0:
            return python
    return None
