"""The compiled templates, kept on disk between processes (keyed by content).

Preparing a template costs a process more than building a document: importing docxtpl
(and python-docx under it) for ``patch_xml``, then compiling each part's Jinja. Both
depend only on the template's parts and on the versions of Python, Jinja, docxtpl and
contratgen, so the result — each part's cleaned source and its compiled code — is kept
in ``$XDG_CACHE_HOME/contratgen/templates/<sha256>.marshal`` (``CONTRATGEN_CACHE_DIR``
overrides the folder; ``CONTRATGEN_CACHE_DIR=off`` disables it). A file is written
atomically and read only if it loads whole; any problem means "not cached".
"""
from __future__ import annotations

import hashlib
import marshal
import os
import sys
import threading
from pathlib import Path
from typing import Iterable, Optional

_FORMAT = 1


def cache_dir() -> Optional[Path]:
    chosen = os.environ.get("CONTRATGEN_CACHE_DIR")
    if chosen == "off":
        return None
    if chosen:
        return Path(chosen) / "templates"
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "contratgen" / "templates"


def _versions() -> str:
    from importlib.metadata import PackageNotFoundError, version
    import jinja2
    from .. import __version__
    try:
        docxtpl = version("docxtpl")
    except PackageNotFoundError:
        docxtpl = "?"
    return f"{_FORMAT}|{sys.implementation.cache_tag}|{sys.version}|{jinja2.__version__}|" \
           f"{docxtpl}|{__version__}"


def key_of(parts: Iterable[tuple[str, bytes]], salt: str) -> str:
    """The cache key of a template: its parts' names and bytes, the versions, ``salt``
    (what else the compiled code depends on, e.g. the preparing code's own digest)."""
    digest = hashlib.sha256(_versions().encode() + b"\0" + salt.encode())
    for name, data in parts:
        digest.update(name.encode() + b"\0" + str(len(data)).encode() + b"\0" + data)
    return digest.hexdigest()


def load(key: str) -> Optional[dict]:
    """{part name: (cleaned source, code)} or None."""
    folder = cache_dir()
    if folder is None:
        return None
    try:
        data = marshal.loads((folder / f"{key}.marshal").read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return None
    return data if isinstance(data, dict) else None


def store(key: str, parts: dict) -> None:
    folder = cache_dir()
    if folder is None:
        return
    target = folder / f"{key}.marshal"
    tmp = folder / f".{key}.{os.getpid()}.{threading.get_ident()}.tmp"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(marshal.dumps(parts))
        os.replace(tmp, target)   # readers see a whole file or none
    except (OSError, ValueError):
        try:
            tmp.unlink()
        except OSError:
            pass
