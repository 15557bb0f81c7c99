"""Results kept on disk between processes, keyed by the content they are computed from.

A single ``build`` is one short process: what it recomputes every time from files that
rarely change (the template's lint verdict, the clause texts compiled to Python, the
parsed label files, the clause library) is kept in
``$XDG_CACHE_HOME/contratgen/<namespace>/<sha256>.<ext>``. ``CONTRATGEN_CACHE_DIR=DIR``
moves the folder, ``CONTRATGEN_CACHE_DIR=off`` disables every cache.

A key is the SHA-256 of everything the value depends on: the input bytes, the versions
of Python and of the libraries involved, and the source bytes of the contratgen modules
that compute it (:func:`code_digest`), so editing the code or the data is a new key,
never a stale value. An entry is written under a temporary name and renamed (readers see
a whole file or none) and carries the SHA-256 of its payload: a truncated or altered file
is a miss, recomputed and rewritten, never an error.
"""
from __future__ import annotations

import hashlib
import marshal
import os
import pickle
import sys
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional

_MAGIC = b"contratgen-cache-1\n"
_SUM = 32   # bytes of the SHA-256 after the magic
# what a value computed here depends on whichever the namespace: the interpreter
PYTHON = f"{sys.implementation.cache_tag}|{sys.version}"


def cache_root() -> Optional[Path]:
    """The cache folder, or None when ``CONTRATGEN_CACHE_DIR=off``."""
    chosen = os.environ.get("CONTRATGEN_CACHE_DIR")
    if chosen == "off":
        return None
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "contratgen"


def key(*parts: str | bytes) -> str:
    """The SHA-256 of ``parts``, each length-prefixed (no two lists give the same key)."""
    digest = hashlib.sha256(PYTHON.encode())
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        digest.update(str(len(data)).encode() + b"\0" + data)
    return digest.hexdigest()


@lru_cache(maxsize=None)
def code_digest(*modules: str) -> str:
    """The SHA-256 of the source files of ``modules`` (dotted names, imported): what a
    cached value computed by that code must be recomputed after any edit of."""
    digest = hashlib.sha256()
    for name in modules:
        module = sys.modules.get(name) or __import__(name, fromlist=["_"])
        try:
            source = Path(module.__file__).read_bytes()
        except (OSError, TypeError, AttributeError):   # no source to read (a frozen build)
            source = os.urandom(16)   # a key of this process only: never a stale hit
        digest.update(name.encode() + b"\0" + source)
    return digest.hexdigest()


@lru_cache(maxsize=None)
def installed(package: str) -> str:
    """What a value computed with an installed package depends on, found without
    importing it: the bytes of its ``__init__.py`` (which holds its version), or ``"-"``
    when it is not installed. Asking ``importlib.metadata`` instead scans every
    installed distribution's metadata: ~10 ms of a single build."""
    import importlib.util
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.origin:
        return "-"
    try:
        return hashlib.sha256(Path(spec.origin).read_bytes()).hexdigest()
    except OSError:
        return os.urandom(16).hex()   # unreadable: a key of this process only


def _path(namespace: str, entry: str, ext: str) -> Optional[Path]:
    root = cache_root()
    return None if root is None else root / namespace / f"{entry}.{ext}"


def _read(namespace: str, entry: str, ext: str) -> Optional[bytes]:
    path = _path(namespace, entry, ext)
    if path is None:
        return None
    try:
        data = path.read_bytes()
    except OSError:
        return None
    head = len(_MAGIC) + _SUM
    if not data.startswith(_MAGIC) or len(data) < head:
        return None
    payload = data[head:]
    if hashlib.sha256(payload).digest() != data[len(_MAGIC):head]:
        return None   # truncated or altered: never trusted
    return payload


def _write(namespace: str, entry: str, ext: str, payload: bytes) -> None:
    target = _path(namespace, entry, ext)
    if target is None:
        return
    tmp = target.with_name(f".{entry}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(_MAGIC + hashlib.sha256(payload).digest() + payload)
        os.replace(tmp, target)   # readers see a whole file or none
    except OSError:
        try:
            tmp.unlink()
        except OSError:
            pass


_MISSING = object()


def load_marshal(namespace: str, entry: str, default: Any = None) -> Any:
    """A value stored by :func:`store_marshal` (plain data, code objects), or ``default``."""
    payload = _read(namespace, entry, "marshal")
    if payload is None:
        return default
    try:
        return marshal.loads(payload)
    except (EOFError, ValueError, TypeError):
        return default


def store_marshal(namespace: str, entry: str, value: Any) -> None:
    """Keep ``value``; a value marshal cannot hold (a date, a Decimal) is not kept."""
    try:
        payload = marshal.dumps(value)
    except ValueError:
        return
    _write(namespace, entry, "marshal", payload)


def load_pickle(namespace: str, entry: str, default: Any = None) -> Any:
    """A value stored by :func:`store_pickle` (records, models), or ``default``. Only a
    file whose checksum matches is unpickled: the folder is the user's own cache."""
    payload = _read(namespace, entry, "pickle")
    if payload is None:
        return default
    try:
        return pickle.loads(payload)
    except Exception:   # a class since renamed…: any failure is a miss
        return default


def store_pickle(namespace: str, entry: str, value: Any) -> None:
    try:
        payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:   # something unpicklable: not kept
        return
    _write(namespace, entry, "pickle", payload)


def yaml_data(text: str, name: str) -> Any:
    """``yaml.safe_load(text)``, kept on disk by the text's content (a shipped data file
    parsed in every process: labels, mentions). ``name`` only names the entry's file."""
    import yaml
    entry = key("yaml", name, yaml.__version__, code_digest(__name__), text)
    value = load_marshal("data", entry, _MISSING)
    if value is _MISSING:
        value = yaml.safe_load(text)
        store_marshal("data", entry, value)
    return value
