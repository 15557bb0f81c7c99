"""The two disk caches, both in the user's private cache folder (``private.cache_root``:
created 0700, refused when another account owns or can write it; ``CONTRATGEN_CACHE_DIR``
moves it, ``CONTRATGEN_CACHE_DIR=off`` disables both):

- ``jinja/``: compiled Jinja, through Jinja's own ``FileSystemBytecodeCache``; the
  templates are named by the SHA-256 of their source and of what compiles them
  (:class:`ContentLoader`), so an edit is a new name, never a stale hit;
- ``verdicts/``: the verdicts of checks (the template linter's diagnostics), plain JSON
  keyed by the SHA-256 of the exact bytes checked and of the checking code.

Nothing else is kept on disk, and nothing read from it is unpickled or unmarshalled by
contratgen (Jinja reads its own bytecode files, in a folder only the user can write).
See docs/CACHE.md.
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Optional

import jinja2
import yaml

from . import __version__
from .private import cache_root

# what every key holds besides its content: the interpreter and contratgen's version
PYTHON = f"{sys.implementation.cache_tag}|{sys.version}|{__version__}"


def key(*parts: str | bytes) -> str:
    """The SHA-256 of ``parts``, each length-prefixed (no two lists give the same key)."""
    digest = hashlib.sha256(PYTHON.encode())
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        digest.update(str(len(data)).encode() + b"\0" + data)
    return digest.hexdigest()


@lru_cache(maxsize=None)
def code_digest(*modules: str) -> str:
    """The SHA-256 of the source files of ``modules`` (dotted names, imported): a value
    computed by that code is recomputed after any edit of it."""
    digest = hashlib.sha256()
    for name in modules:
        module = sys.modules.get(name) or __import__(name, fromlist=["_"])
        try:
            source = Path(module.__file__).read_bytes()
        except (OSError, TypeError, AttributeError):   # no source to read (a frozen build)
            source = os.urandom(16)   # a key of this process only: never a stale hit
        digest.update(name.encode() + b"\0" + source)
    return digest.hexdigest()


# --- compiled Jinja ---------------------------------------------------------------------

class ContentLoader(jinja2.BaseLoader):
    """Templates known by content: :meth:`name` registers a source and gives its name,
    the SHA-256 of the source, its file name and ``salt`` (the environment's settings
    and code), which Jinja's bytecode cache then keys its file by."""

    def __init__(self) -> None:
        self.sources: dict[str, tuple[str, str]] = {}
        self._lock = threading.Lock()

    def name(self, source: str, filename: str, salt: str) -> str:
        name = key("jinja", salt, filename, source)
        with self._lock:
            self.sources[name] = (source, filename)
        return name

    def get_source(self, environment: jinja2.Environment,
                   template: str) -> tuple[str, str, Callable[[], bool]]:
        try:
            source, filename = self.sources[template]
        except KeyError:
            raise jinja2.TemplateNotFound(template) from None
        return source, filename, lambda: True


class BytecodeCache(jinja2.FileSystemBytecodeCache):
    """Jinja's cache, where a damaged file is a miss (Jinja raises on a truncated one)."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:   # noqa: BLE001 - whatever the damage, compile again
            bucket.reset()


def bytecode_cache(kind: str) -> Optional[jinja2.BytecodeCache]:
    """Jinja's bytecode cache in ``<cache root>/jinja/<kind>``, or None (disabled, or
    the folder cannot be made: then every process compiles)."""
    root = cache_root()
    if root is None:
        return None
    folder = root / "jinja" / kind
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError:
        return None
    return BytecodeCache(str(folder))


# --- verdicts -----------------------------------------------------------------------------

def _verdict_path(namespace: str, entry: str) -> Optional[Path]:
    root = cache_root()
    return None if root is None else root / "verdicts" / namespace / f"{entry}.json"


def load_verdict(namespace: str, entry: str) -> Any:
    """The JSON value stored under ``entry``, or None (absent, unreadable, not JSON)."""
    path = _verdict_path(namespace, entry)
    if path is None:
        return None
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None


def store_verdict(namespace: str, entry: str, value: Any) -> None:
    """Keep ``value`` (plain JSON data) under ``entry``: written under a temporary name
    and renamed, so a reader sees a whole file or none."""
    target = _verdict_path(namespace, entry)
    if target is None:
        return
    tmp = target.with_name(f".{entry}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp.write_text(json.dumps(value, ensure_ascii=False), "utf-8")
        os.replace(tmp, target)
    except OSError:
        try:
            tmp.unlink()
        except OSError:
            pass


# --- shipped data -------------------------------------------------------------------------

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@lru_cache(maxsize=16)
def yaml_data(text: str, name: str) -> Any:
    """A shipped data file's YAML (labels, mentions, VAT rates), parsed once a process
    (``name`` only says which file it is)."""
    return yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader
