"""``contratgen inspect``: what a generated DOCX or PDF says about its making."""
from __future__ import annotations

import json
import zipfile
from pathlib import Path

from .diagnostics import ERROR, Diagnostic, UserError


def inspect_file(path: Path) -> dict:
    data = path.read_bytes()
    if data[:4] == b"PK\x03\x04":
        from .render import read_properties
        try:
            props = read_properties(data)
        except (zipfile.BadZipFile, KeyError, ValueError) as exc:
            raise UserError([Diagnostic(str(path), 0, 0, ERROR, f"not a readable DOCX: {exc}",
                                        "inspect")]) from None
        raw = props.get("contratgen.provenance")
        return {"file": str(path), "kind": "docx",
                "provenance": json.loads(raw) if raw else None}
    if data[:5] == b"%PDF-":
        from .finalize import read_pdf_info
        try:
            info = read_pdf_info(data)
        except Exception as exc:  # pypdf raises many kinds on a damaged file
            raise UserError([Diagnostic(str(path), 0, 0, ERROR, f"not a readable PDF: {exc}",
                                        "inspect")]) from None
        return {"file": str(path), "kind": "pdf", **info}
    raise UserError([Diagnostic(str(path), 0, 0, ERROR, "neither a DOCX nor a PDF", "inspect")])


def describe(info: dict) -> str:
    prov = info.get("provenance")
    lines = [f"{info['file']} ({info['kind']})"]
    if not prov:
        lines.append("  no contratgen provenance (not made by contratgen, or altered)")
    else:
        lines += [f"  contratgen {prov.get('contratgen')}",
                  f"  document   {prov.get('document')} ({prov.get('type')}, "
                  f"{prov.get('date')}, {prov.get('language')})",
                  f"  input      sha256:{prov.get('input_sha256')}",
                  "  clauses:"]
        for c in prov.get("clauses", []):
            lines.append(f"    {c['id']:22} v{c['version']:<4} sha256:{c['sha256'][:16]}…")
    for field in info.get("signature_fields", []):
        state = "signed" if field.get("signed") else "empty"
        lines.append(f"  signature field {field['name']}: {state}, page {field.get('page')}")
    return "\n".join(lines)
