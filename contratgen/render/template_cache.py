"""The compiled templates, kept on disk between processes (keyed by content).

Preparing a template costs a process more than building a document: importing docxtpl
(and python-docx under it) for ``patch_xml``, then compiling each part's Jinja. Both
depend only on the template's parts and on the versions of Python, Jinja, docxtpl and
contratgen, so the result — each part's cleaned source and its compiled code — is kept
in ``$XDG_CACHE_HOME/contratgen/templates/<sha256>.marshal`` (``CONTRATGEN_CACHE_DIR``
overrides the folder; ``CONTRATGEN_CACHE_DIR=off`` disables it). A file is written
atomically and read only if it loads whole and its checksum matches
(:mod:`contratgen.cache`); any problem means "not cached".
"""
from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Optional

from .. import cache

_FORMAT = 2
NAMESPACE = "templates"


def cache_dir() -> Optional[Path]:
    root = cache.cache_root()
    return None if root is None else root / NAMESPACE


@lru_cache(maxsize=1)
def _versions() -> str:
    import jinja2
    from .. import __version__
    docxtpl = cache.installed("docxtpl")   # docxtpl is imported only on a miss
    return f"{_FORMAT}|{cache.PYTHON}|{jinja2.__version__}|{docxtpl}|{__version__}"


def key_of(parts: Iterable[tuple[str, bytes]], salt: str) -> str:
    """The cache key of a template: its parts' names and bytes, the versions, ``salt``
    (what else the compiled code depends on, e.g. the preparing code's own digest)."""
    digest = hashlib.sha256(_versions().encode() + b"\0" + salt.encode())
    for name, data in parts:
        digest.update(name.encode() + b"\0" + str(len(data)).encode() + b"\0" + data)
    return digest.hexdigest()


def load(key: str) -> Optional[dict]:
    """{part name: (cleaned source, code)} or None."""
    data = cache.load_marshal(NAMESPACE, key)
    return data if isinstance(data, dict) else None


def store(key: str, parts: dict) -> None:
    cache.store_marshal(NAMESPACE, key, parts)
