"""``contratgen inspect``: what a generated DOCX or PDF says about its making."""
from __future__ import annotations

import json
from pathlib import Path

from .diagnostics import ERROR, Diagnostic, UserError, printable
from .template_guard import TemplateRefused, read_regular_file


MAX_INSPECTED_BYTES = 256 * 1024 * 1024


def inspect_file(path: Path) -> dict:
    try:  # a regular file, bounded: a FIFO or /dev/zero would hang or fill the memory
        data = read_regular_file(path, MAX_INSPECTED_BYTES, "file")
    except TemplateRefused as exc:
        raise UserError([Diagnostic(str(path), 0, 0, ERROR, exc.reason, "inspect")]) from None
    if data[:4] == b"PK\x03\x04":
        from .render import read_properties
        try:
            props = read_properties(data)
            raw = props.get("contratgen.provenance")
            provenance = json.loads(raw) if raw else None
        except Exception as exc:  # zipfile, XML and JSON raise many kinds on a damaged file
            raise UserError([Diagnostic(str(path), 0, 0, ERROR, f"not a readable DOCX: "
                                        f"{type(exc).__name__}: {str(exc)[:200]}",
                                        "inspect")]) from None
        if provenance is not None and not isinstance(provenance, dict):
            raise UserError([Diagnostic(str(path), 0, 0, ERROR, "not a readable DOCX: its "
                                        "provenance is not a JSON object", "inspect")])
        return {"file": str(path), "kind": "docx", "provenance": provenance}
    if data[:5] == b"%PDF-":
        from .finalize import read_pdf_info
        try:
            info = read_pdf_info(data)
        except Exception as exc:  # pypdf raises many kinds on a damaged file
            raise UserError([Diagnostic(str(path), 0, 0, ERROR, f"not a readable PDF: "
                                        f"{type(exc).__name__}: {str(exc)[:200]}",
                                        "inspect")]) from None
        return {"file": str(path), "kind": "pdf", **info}
    raise UserError([Diagnostic(str(path), 0, 0, ERROR, "neither a DOCX nor a PDF", "inspect")])


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
    return "\n".join(printable(line) for line in lines)
