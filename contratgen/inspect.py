"""``contratgen inspect``: what a generated DOCX or PDF says about its making.

Any file, however damaged (truncated, not a zip, a provenance that is not JSON), gives
a located error, never a traceback.
"""
from __future__ import annotations

import json
import zipfile
import zlib
from pathlib import Path

from .diagnostics import ERROR, Diagnostic, UserError, printable
from .render.template_guard import TemplateRefused, read_regular_file
from .signing.trust import PARIS


MAX_INSPECTED_BYTES = 256 * 1024 * 1024

_DAMAGED = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, KeyError,
            ValueError, SyntaxError, NotImplementedError, OSError, RuntimeError)


def _fail(path: Path, message: str, code: str = "inspect") -> UserError:
    return UserError([Diagnostic(str(path), 0, 0, ERROR, message, code)])


def _refuse_doctype(path: Path, data: bytes) -> None:
    """A part with a DOCTYPE (a DTD or entities) is a refusal, whichever part it is."""
    from .redline.ooxml import NotADocx, Package
    try:
        Package.read(data)
    except NotADocx as exc:
        if exc.code == "docx.doctype":
            raise _fail(path, f"not a readable DOCX: {exc}", exc.code) from None


def _provenance(path: Path, raw: str | None):
    if not raw:
        return None
    try:
        value = json.loads(raw)
    except ValueError as exc:
        raise _fail(path, f"the provenance is damaged (not JSON: {exc})") from None
    if not isinstance(value, dict):
        raise _fail(path, "the provenance is damaged (not a JSON object)")
    return value


def _docx(path: Path, data: bytes) -> dict:
    from .render.docx import provenance_text, read_properties
    _refuse_doctype(path, data)
    try:
        props = read_properties(data)
    except TemplateRefused as exc:   # a DTD, entities or broken XML in a part
        raise _fail(path, f"not a readable DOCX: {exc}") from None
    except _DAMAGED as exc:   # lxml's XMLSyntaxError is a SyntaxError
        raise _fail(path, f"not a readable DOCX: {type(exc).__name__}: {exc}") from None
    return {"file": str(path), "kind": "docx",
            "provenance": _provenance(path, provenance_text(props))}


def _signatures(data: bytes, trust) -> list[dict]:
    from .signing.verify import signatures
    try:
        found = signatures(data, trust)
    except Exception as exc:  # a damaged signature dictionary: say so, never a traceback
        return [{"field": "?", "status": f"unreadable ({type(exc).__name__})"}]
    return [{"field": s.field, "signer": s.signer,
             "time": s.time.astimezone(PARIS).isoformat() if s.time else None,
             "timestamped": s.timestamped, "intact": s.intact, "valid": s.valid,
             "trusted": s.trusted, "changed_after": s.changed_after,
             "covers_all": s.covers_all, "status": s.status} for s in found]


def _pdf(path: Path, data: bytes, trust=()) -> dict:
    from .pdf.finalize import read_pdf_info
    try:
        info = read_pdf_info(data)
    except Exception as exc:  # pypdf raises many kinds on a damaged file
        raise _fail(path, f"not a readable PDF: {type(exc).__name__}: {exc}") from None
    if isinstance(info.get("provenance"), str):
        info["provenance"] = _provenance(path, info["provenance"])
    if any(field.get("signed") for field in info.get("signature_fields", [])):
        info["signatures"] = _signatures(data, trust)
    return {"file": str(path), "kind": "pdf", **info}


def inspect_file(path: Path, trust=()) -> dict:
    try:  # a regular file, bounded: a FIFO or /dev/zero would hang or fill the memory
        data = read_regular_file(path, MAX_INSPECTED_BYTES, "file")
    except TemplateRefused as exc:
        raise _fail(path, exc.reason) from None
    if data[:4] == b"PK\x03\x04":
        return _docx(path, data)
    if data[:5] == b"%PDF-":
        return _pdf(path, data, trust)
    raise _fail(path, "neither a DOCX nor a PDF")


def describe(info: dict) -> str:
    """The provenance for people; a forged file's text is printed escaped."""
    prov = info.get("provenance")
    lines = [f"{info['file']} ({info['kind']})"]
    if not isinstance(prov, dict) or not prov:
        lines.append("  no contratgen provenance (not made by contratgen, or altered)")
    else:
        lines += [f"  contratgen {prov.get('contratgen')}",
                  f"  document   {prov.get('document')} ({prov.get('type')}, "
                  f"{prov.get('date')}, {prov.get('language')})",
                  f"  input      sha256:{prov.get('input_sha256')}",
                  "  clauses:"]
        clauses = prov.get("clauses")
        for c in clauses if isinstance(clauses, list) else []:
            c = c if isinstance(c, dict) else {}
            lines.append(f"    {str(c.get('id')):22} v{str(c.get('version')):<4} "
                         f"sha256:{str(c.get('sha256'))[:16]}…")
    for field in info.get("signature_fields", []):
        state = "signed" if field.get("signed") else "empty"
        lines.append(f"  signature field {field['name']}: {state}, page {field.get('page')}")
    for signature in info.get("signatures", []):
        lines.append(f"  signature in {signature['field']}: {signature.get('signer')}, "
                     f"{signature.get('time')}, {signature['status']}")
    return "\n".join(printable(line) for line in lines)
