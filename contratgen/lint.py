"""The lawyer's tools: ``contratgen lint`` and ``contratgen clauses``.

Lint loads every clause file on its own (so two files claiming one id are caught),
checks cross-references, refuses template constructs that reach for Python internals,
then renders every text, in both languages, against a sample document for each kind of
document and client the clause may be used with, each param at its default.
"""
from __future__ import annotations

import datetime
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Sequence

import jinja2
from jinja2 import nodes

from .context import build_context
from .diagnostics import ERROR, WARNING, Diagnostic
from .library import LANGS, Clause, ClauseTextError, Library, _ENVS, clause_files, \
    coerce_param, load_clause, render_blocks
from .model import ClientFile, parse_client
from .money import compute
from .rules.rates import rates_for
from .source import load_bytes

PLACEHOLDERS = {"string": "[texte]", "integer": 1, "decimal": Decimal("1000"),
                "percent": Decimal("10"), "date": datetime.date(2026, 1, 1), "bool": True}


@lru_cache(maxsize=1)
def sample_client() -> ClientFile:
    raw = resources.files("contratgen").joinpath("data/lint_sample.yaml").read_bytes()
    return parse_client(load_bytes(raw, "lint_sample.yaml"))


SETTINGS = ("on_premises", "off_premises", "distance")


def sample_context(doc_type: str, kind: str, lang: str, setting: str = "on_premises") -> dict:
    base = sample_client()
    client = base.model_copy(update={
        "document": base.document.model_copy(update={"type": doc_type, "language": lang,
                                                     "context": setting}),
        "client": base.client.model_copy(update={"kind": kind})})
    context = build_context(client, compute(client), rates_for(client.document.date))
    context["clauses"] = []
    return context


def default_params(clause: Clause) -> dict:
    params = {}
    for name, spec in clause.spec.params.items():
        if spec.default is not None:
            params[name] = coerce_param(spec, spec.default)
        elif spec.type == "choice":
            params[name] = (spec.choices or [None])[0]
        else:
            params[name] = PLACEHOLDERS[spec.type]
    return params


def _unsafe_names(text: str, lang: str) -> list[tuple[int, str]]:
    """Attribute or item names starting with '_' (``''.__class__``): injection attempts."""
    found = []
    try:
        tree = _ENVS[lang].parse(text)
        for node in tree.find_all((nodes.Getattr, nodes.Getitem, nodes.Name)):
            name = getattr(node, "attr", None) or getattr(node, "name", None)
            if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
                name = node.arg.value
            if isinstance(name, str) and name.startswith("_"):
                found.append((node.lineno, name))
    except (jinja2.TemplateSyntaxError, RecursionError, MemoryError):
        return []  # reported by the render step, with its line ("nested too deeply")
    return found


def lint_clause(clause: Clause, library: Library) -> list[Diagnostic]:
    diags: list[Diagnostic] = []
    spec, src = clause.spec, clause.source
    for field in ("requires", "conflicts"):
        for i, other in enumerate(getattr(spec, field)):
            if other not in library.clauses:
                diags.append(src.diagnostic((field, i), f"'{field}' names unknown clause "
                                            f"'{other}'", f"clause.{field}"))
            elif other == spec.id:
                diags.append(src.diagnostic((field, i), f"clause '{spec.id}' names itself in "
                                            f"'{field}'", f"clause.{field}"))
    parts = ["text"] + (["annex"] if spec.annex is not None else [])
    for part in parts:
        for lang in LANGS:
            diags.extend(_lint_text(clause, part, lang))
    return diags


def _lint_text(clause: Clause, part: str, lang: str) -> list[Diagnostic]:
    spec, src = clause.spec, clause.source
    label = f"text.{lang}" if part == "text" else f"annex.text.{lang}"
    source = spec.text[lang] if part == "text" else spec.annex.text[lang]
    diags = []
    unsafe = _unsafe_names(source, lang)
    for line, name in unsafe:
        fl, fc = clause.locate(lang, line, name, part)
        diags.append(Diagnostic(src.file, fl, fc, ERROR, f"{label}: access to "
                                f"'{name}' is refused (names starting with '_' reach into "
                                "Python internals: template injection)", "clause.unsafe"))
    if unsafe:
        return diags
    for doc_type in spec.documents:
        for kind in spec.parties:
            # a consumer text may differ on premises, off premises and at a distance
            settings = SETTINGS if kind == "consumer" else ("on_premises",)
            for setting in settings:
                context = sample_context(doc_type, kind, lang, setting)
                try:
                    blocks = render_blocks(clause, lang, context, default_params(clause), part)
                except ClauseTextError as exc:
                    fl, fc = clause.locate(lang, exc.line, exc.needle, part)
                    return diags + [Diagnostic(src.file, fl, fc, ERROR,
                                               f"{label} ({doc_type}, {kind} client, "
                                               f"{setting}): {exc}", "clause.text")]
                if not blocks and part == "text":
                    fl, fc = clause.locate(lang, None)
                    diags.append(Diagnostic(src.file, fl, fc, WARNING,
                                            f"{label} renders empty for a {doc_type} with a "
                                            f"{kind} client ({setting})", "clause.empty"))
    return diags


def lint_library(dirs: Sequence[Path]) -> tuple[list[Diagnostic], int]:
    """All problems of a library (layered dirs, later ones override), and its size."""
    diags: list[Diagnostic] = []
    clauses: dict[str, Clause] = {}
    broken: set[str] = set()   # loaded, but with errors: rendering them would only repeat them
    for directory in dirs:
        directory = Path(directory)
        if not directory.is_dir():
            diags.append(Diagnostic(str(directory), 0, 0, ERROR, "clause library folder not "
                                    "found", "library.missing"))
            continue
        seen: dict[str, Clause] = {}
        paths, refused = clause_files(directory)
        diags.extend(refused)
        for path in paths:
            clause, load_diags = load_clause(path)
            diags.extend(load_diags)
            if clause is None:
                continue
            if any(d.is_error for d in load_diags):
                broken.add(clause.id)
            if clause.id in seen:
                first = seen[clause.id].source.file
                diags.append(clause.source.diagnostic(("id",), f"duplicate clause id "
                                                      f"'{clause.id}' (also in {first})",
                                                      "clause.duplicate-id"))
                continue
            seen[clause.id] = clause
        clauses.update(seen)
    library = Library(clauses, tuple(Path(d) for d in dirs))
    for clause in clauses.values():
        if clause.id not in broken:
            diags.extend(lint_clause(clause, library))
    return diags, len(clauses)


# --- contratgen clauses ----------------------------------------------------------------

def list_clauses(library: Library, lang: str) -> str:
    rows = [("id", "version", "category", "documents", "parties", "title")]
    for cid in sorted(library.clauses):
        s = library.clauses[cid].spec
        rows.append((cid, str(s.version), s.category, ",".join(s.documents),
                     ",".join(s.parties), getattr(s.title, lang)))
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r[:5], widths)) + "  " + r[5]
                     for r in rows)


def show_clause(clause: Clause, lang: str) -> str:
    s = clause.spec
    out = [f"{s.id} v{s.version} — {getattr(s.title, lang)}",
           f"  category:    {s.category}",
           f"  legal basis: {'; '.join(s.legal_basis) or '—'}",
           f"  documents:   {', '.join(s.documents)}    parties: {', '.join(s.parties)}",
           f"  conspicuous: {'yes (printed in bold)' if s.conspicuous else 'no'}",
           f"  requires:    {', '.join(s.requires) or '—'}    conflicts: "
           f"{', '.join(s.conflicts) or '—'}",
           f"  text sha256: {clause.text_hash(lang)}"]
    if s.params:
        out.append("  params:")
        for name, p in s.params.items():
            default = "(required)" if p.default is None else repr(p.default)
            desc = getattr(p.description, lang) if p.description else ""
            out.append(f"    {name} ({p.type}) default {default}  {desc}")
    context = sample_context(s.documents[0], s.parties[0], lang)
    try:
        blocks = render_blocks(clause, lang, context, default_params(clause))
        out.append("")
        out.append(f"Rendered for the sample document ({s.documents[0]}, {s.parties[0]} "
                   "client):")
        for b in blocks:
            out.append(("  • " if b.kind == "item" else "") + "".join(
                f"**{r.text}**" if r.bold else r.text for r in b.runs))
            out.append("")
    except ClauseTextError as exc:
        out.append(f"cannot render: {exc}")
    return "\n".join(out).rstrip()
