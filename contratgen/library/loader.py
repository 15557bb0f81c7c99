"""The clause library: YAML files that lawyers edit, loaded and validated.

The models of a clause file are in ``spec.py``; rendering a clause's text (a Jinja
template run in the sandbox) is ``texts.py``.
"""
from __future__ import annotations

import stat
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Iterator, Sequence

from pydantic import ValidationError

from ..diagnostics import ERROR, Diagnostic, UserError
from ..load.model import errors_to_diagnostics
from ..load.source import load_bytes, load_file, read_file
from ..resources import shipped
from .spec import Clause, ClauseSpec, Library, coerce_param


SHIPPED = shipped("clause_library")


def load_clause(path: Path, raw: bytes | None = None) -> tuple[Clause | None, list[Diagnostic]]:
    """A clause file (``raw``: its bytes, already read) and its problems."""
    name = _display(path)
    try:
        source = load_file(path, name) if raw is None else load_bytes(raw, name)
    except UserError as exc:
        return None, list(exc.diagnostics)
    if not isinstance(source.data, dict):
        return None, [source.diagnostic((), "a clause file is a mapping (id, version, "
                                        "category, title, text, ...)", "clause")]
    try:
        spec = ClauseSpec.model_validate(source.data)
    except ValidationError as exc:
        return None, [_as_clause_code(d) for d in errors_to_diagnostics(exc, source)]
    diagnostics = []
    if spec.id != path.stem:
        diagnostics.append(source.diagnostic(("id",), f"clause id '{spec.id}' must equal the "
                                             f"file name '{path.stem}'", "clause.id"))
    for pname, pspec in spec.params.items():
        if pspec.type == "choice" and not pspec.choices:
            diagnostics.append(source.diagnostic(("params", pname), f"param '{pname}' of type "
                                                 "choice needs 'choices'", "clause.params"))
        if pspec.default is not None:
            try:
                coerce_param(pspec, pspec.default)
            except ValueError as exc:
                diagnostics.append(source.diagnostic(("params", pname, "default"),
                                                     f"default of '{pname}': {exc}",
                                                     "clause.params"))
    text = path.read_text("utf-8") if raw is None else _universal_newlines(raw.decode("utf-8"))
    return Clause(spec, source, text), diagnostics


def _universal_newlines(text: str) -> str:
    """What ``Path.read_text`` gives for the same bytes."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _as_clause_code(d: Diagnostic) -> Diagnostic:
    return Diagnostic(d.file, d.line, d.col, d.severity, d.message, "clause." + d.code)


def _display(path: Path, cwd: Path | None = None) -> str:
    try:
        return str(path.absolute().relative_to(cwd or Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)


def clause_files(directory: Path) -> tuple[list[Path], list[Diagnostic]]:
    """The ``*.yaml`` files of a library folder; a link leading outside the folder, or a
    file with several hard links (one may be outside), is refused before it is read
    (its content, even its key names, never reaches a diagnostic)."""
    base = Path(directory).resolve()
    paths, refused = [], []
    for path in sorted(Path(directory).glob("*.yaml")):
        try:
            inside = path.resolve(strict=True).is_relative_to(base)
        except (OSError, RuntimeError):   # a dangling link, a loop
            refused.append(Diagnostic(_display(path), 0, 0, ERROR, "a link that leads "
                                      "nowhere (dangling or a loop)", "path.invalid"))
            continue
        if not inside:
            refused.append(Diagnostic(_display(path), 0, 0, ERROR, "a link to a file outside "
                                      "the clause library folder: refused (copy the file "
                                      "into the folder)", "path.outside"))
            continue
        if _hard_links(path) > 1:   # its other name may be anywhere: refused like a link
            refused.append(Diagnostic(_display(path), 0, 0, ERROR, "a file with more than "
                                      "one hard link (another name of it may be outside the "
                                      "clause library folder): refused (copy the file into "
                                      "the folder)", "path.outside"))
            continue
        paths.append(path)
    return paths, refused


def _hard_links(path: Path) -> int:
    try:
        info = path.stat()
    except OSError:
        return 1   # unreadable: load_clause says why
    return info.st_nlink if stat.S_ISREG(info.st_mode) else 1


def load_library(dirs: Sequence[Path]) -> tuple[Library, list[Diagnostic]]:
    """Load clause directories in order; a later directory overrides earlier ids."""
    return _load_library_cached(tuple(_folder_key(Path(d)) for d in dirs))


_HELD: dict[str, tuple] | None = None   # folder → its listing, while a batch holds them


@contextmanager
def held_listings() -> Iterator[None]:
    """For a batch: each library folder is listed (names, sizes, dates) once, at its
    first use, instead of for every document — the library as it is when the batch
    reaches it, as the batch's manifest key says (``batch.inputs.forget_digests``)."""
    global _HELD
    previous, _HELD = _HELD, {}
    try:
        yield
    finally:
        _HELD = previous


def _folder_key(directory: Path) -> tuple:
    held = _HELD
    if held is None:
        return str(directory.resolve()), _mtimes(directory)
    key = held.get(str(directory))
    if key is None:
        key = held[str(directory)] = (str(directory.resolve()), _mtimes(directory))
    return key


def _mtimes(directory: Path) -> tuple:
    try:
        return tuple(sorted((p.name, st.st_mtime_ns, st.st_size)
                            for p in directory.glob("*.yaml") for st in (p.stat(),)))
    except OSError:
        return ()


@lru_cache(maxsize=8)
def _load_library_cached(key) -> tuple[Library, list[Diagnostic]]:
    dirs = tuple(Path(d) for d, _ in key)
    listing = [_listed(directory) for directory in dirs]
    clauses: dict[str, Clause] = {}
    diagnostics: list[Diagnostic] = []
    for directory, files, refused in listing:
        if files is None:
            diagnostics.append(Diagnostic(str(directory), 0, 0, ERROR,
                                          "clause library folder not found", "library.missing"))
            continue
        diagnostics.extend(refused)
        for path, raw in files:
            clause, diags = load_clause(path, raw)
            diagnostics.extend(diags)
            if clause is not None:
                clauses[clause.id] = clause
    return Library(clauses, dirs), diagnostics


def _listed(directory: Path) -> tuple[Path, list | None, list[Diagnostic]]:
    """A library folder's files and their bytes (None: an unreadable one, read again by
    :func:`load_clause` to say why), its refused links; None files: no such folder."""
    if not directory.is_dir():
        return directory, None, []
    paths, refused = clause_files(directory)
    files = []
    for path in paths:
        try:
            files.append((path, read_file(path, str(path))))
        except UserError:
            files.append((path, None))
    return directory, files, refused
