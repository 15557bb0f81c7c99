"""The command line: click commands only, the one place that prints.

``contratgen.cli:run`` is the console entry point (and ``python -m contratgen``'s):
:data:`main`, the click group, in a process tuned for a short command. Most of a single
``build`` is Python starting: ~470 modules imported and ~40 pydantic models built, which
allocate tens of thousands of long-lived objects and no garbage. With the default
thresholds the cyclic collector scans them again and again while they are made, and once
more at exit, before the interpreter frees them anyway. So :func:`run`

- raises the collector's first threshold (700 → 10 000 new objects between two young
  collections, the older generations less often too): it still runs, so a batch of
  thousands of documents or a long ``preview``/``serve`` keeps its memory flat;
- loads no pydantic plugin (``PYDANTIC_DISABLE_PLUGINS``, unless the environment sets it):
  plugins are how an application instruments its own models; here they would run foreign
  code in every validation of a client file, and finding them scans every installed
  distribution's metadata;
- freezes whatever is alive when the command ends (``gc.freeze``): the interpreter's last
  collections then skip it. Files are closed and outputs synced by then: nothing is left to
  a finalizer.

About a sixth of a single ``build --format docx`` (benchmarks/RESULTS.md). ``main`` called as
a library (tests, ``CliRunner``) leaves the collector as it found it."""
import gc
import os

from .app import main

__all__ = ["main", "run"]

# (young, middle, old): Python's defaults are (700, 10, 10)
THRESHOLDS = (10_000, 50, 50)


def run() -> None:
    """The ``contratgen`` command."""
    gc.set_threshold(*THRESHOLDS)
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    try:
        main(prog_name="contratgen")
    finally:
        gc.freeze()
