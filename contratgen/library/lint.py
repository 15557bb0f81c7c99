"""The lawyer's tools: ``contratgen lint`` and ``contratgen clauses``.

Lint loads every clause file on its own (so two files claiming one id are caught),
checks cross-references, refuses template constructs that reach for Python internals,
then renders every text, in both languages, against a sample document for each kind of
document and client the clause may be used with: each param at its default, then each
param moved to each of its other branches (every choice, a bool both ways, an optional
text absent and present, a number at zero and above), then each optional part of the
document present (an escrow, insurance, time limits…). Every distinct error is reported,
located, in one run; so is unbalanced ``**``/``*`` markup.
"""
from __future__ import annotations

import datetime
import re
from decimal import Decimal
from pathlib import Path
from typing import Callable, Sequence

import jinja2
from jinja2 import nodes

from .changelog import change_log_lines, check_change_log
from ..diagnostics import ERROR, WARNING, Diagnostic
from .loader import clause_files, load_clause
from .spec import LANGS, Clause, Library, Part, coerce_param
from .texts import ENVS, ClauseTextError, render_blocks
from .markup import stray_asterisks
from .noting import noted

PLACEHOLDERS = {"string": "[texte]", "integer": 1, "decimal": Decimal("1000"),
                "percent": Decimal("10"), "date": datetime.date(2026, 1, 1), "bool": True}


SETTINGS = ("on_premises", "off_premises", "distance")
DOCUMENT_VARIANTS = ("escrow", "retention", "subcontractor", "insurance decennale",
                     "insurance rc_pro", "time limits", "client in another EU state",
                     "arbitration and jurisdiction", "no e-mail nor bank details")

# The sample documents a text is rendered against: (doc_type, kind, lang, setting,
# variant) → a fresh template context. Built from the later stages (render, collection),
# so it is given by the command (contratgen/clause_lint.py), never imported here.
Samples = Callable[..., dict]


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
        tree = ENVS[lang].parse(text)
        for node in tree.find_all((nodes.Getattr, nodes.Getitem, nodes.Name)):
            name = getattr(node, "attr", None) or getattr(node, "name", None)
            if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
                name = node.arg.value
            if isinstance(name, str) and name.startswith("_"):
                found.append((node.lineno, name))
    except (jinja2.TemplateSyntaxError, RecursionError, MemoryError):
        return []  # reported by the render step, with its line ("nested too deeply")
    return found


def lint_clause(clause: Clause, library: Library, samples: Samples) -> list[Diagnostic]:
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
    diags.extend(check_change_log(clause))
    parts = [Part.TEXT] + ([Part.ANNEX] if spec.annex is not None else [])
    for part in parts:
        for lang in LANGS:
            diags.extend(_lint_text(clause, part, lang, samples))
    return diags


def _lint_text(clause: Clause, part: Part, lang: str, samples: Samples) -> list[Diagnostic]:
    spec, src = clause.spec, clause.source
    label = ".".join(part.where(lang))
    source = clause.text_of(part, lang)
    diags = []
    unsafe = _unsafe_names(source, lang)
    for line, name in unsafe:
        fl, fc = clause.locate(lang, line, name, part)
        diags.append(Diagnostic(src.file, fl, fc, ERROR, f"{label}: access to "
                                f"'{name}' is refused (names starting with '_' reach into "
                                "Python internals: template injection)", "clause.unsafe"))
    if unsafe:
        return diags
    diags.extend(_markup_errors(clause, part, lang, label, source))
    seen: set = set()
    for doc_type in spec.documents:
        for kind in spec.parties:
            # a consumer text may differ on premises, off premises and at a distance
            settings = SETTINGS if kind == "consumer" else ("on_premises",)
            for setting in settings:
                found, stop = _render_variants(clause, part, lang, label,
                                               (doc_type, kind, setting), seen, samples)
                diags.extend(found)
                if stop:
                    return diags
    return diags


def _render_variants(clause: Clause, part: Part, lang: str, label: str, use: tuple,
                     seen: set, samples: Samples) -> tuple[list[Diagnostic], bool]:
    """Render every variant of one use (document type, kind of client, setting); a new
    error once per place. ``stop`` after an error that is not about a name (a syntax
    error or a sandbox limit repeats itself)."""
    src, diags = clause.source, []
    doc_type, kind, setting = use

    def report(where: str, exc: ClauseTextError) -> None:
        fl, fc = clause.locate(lang, exc.line, exc.needle, part)
        if (fl, fc, str(exc)) not in seen:
            seen.add((fl, fc, str(exc)))
            diags.append(Diagnostic(src.file, fl, fc, ERROR, f"{label} ({where}): {exc}",
                                    "clause.text"))

    for variant, context, params in variants(clause, doc_type, kind, lang, setting, samples):
        where = f"{doc_type}, {kind} client, {setting}" + (f", {variant}" if variant else "")
        with noted() as undefined:
            try:
                blocks = render_blocks(clause, lang, context, params, part, noting=True)
                failure = None
            except ClauseTextError as exc:
                blocks, failure = (), exc
        for message, line, name in undefined:
            report(where, ClauseTextError(f"undefined variable: {message}", line,
                                          _undefined_needle(message, name)))
        if failure is not None and not undefined:  # else a consequence of an undefined name
            report(where, failure)
            return diags, True
        if undefined:
            continue
        if not blocks and part == Part.TEXT and not variant and ("empty", kind) not in seen:
            seen.add(("empty", kind))
            fl, fc = clause.locate(lang, None)
            diags.append(Diagnostic(src.file, fl, fc, WARNING,
                                    f"{label} renders empty for a {doc_type} with a "
                                    f"{kind} client ({setting})", "clause.empty"))
    return diags, False


def _undefined_needle(message: str, name) -> str | None:
    # "'dict object' has no attribute 'nmae'" → nmae; "'foo' is undefined" → foo
    parts = message.split("'")
    return parts[-2] if "has no attribute" in message and len(parts) >= 4 else name


def _markup_errors(clause: Clause, part: Part, lang: str, label: str,
                   source: str) -> list[Diagnostic]:
    """An unbalanced ``**`` or ``*`` in the text, located at the asterisk."""
    masked = re.sub(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}",
                    lambda m: re.sub(r"[^\n]", "x", m.group()), source, flags=re.S)
    diags = []
    for offset in stray_asterisks(masked)[:1]:   # one a text: the first breaks the rest
        line = source.count("\n", 0, offset) + 1
        col = offset - (source.rfind("\n", 0, offset) + 1)
        fl, fc = clause.locate(lang, line, None, part)
        text_line = source.splitlines()[line - 1]
        fc += col - (len(text_line) - len(text_line.lstrip()))
        diags.append(Diagnostic(clause.source.file, fl, fc, ERROR,
                                f"{label}: unbalanced markup: this '*' opens or closes no "
                                "bold (**…**) or italic (*…*) run; write \\* for a literal "
                                "asterisk", "clause.markup"))
    return diags


# --- the variants a text is rendered in ---------------------------------------------------

def _alternatives(spec, current) -> list:
    """The values of a param that take another branch than ``current``."""
    if spec.type == "choice":
        return [c for c in spec.choices or [] if c != current]
    if spec.type == "bool":
        return [not current]
    if spec.type == "string":        # an optional text: absent, or given
        return [v for v in ("", "[texte]") if v != current]
    if spec.type in ("integer", "decimal", "percent"):
        low = Decimal(0) if spec.min is None else spec.min
        some = max(low, Decimal(1)) if spec.max is None else min(max(low, Decimal(1)), spec.max)
        values = [low, some] if low <= 0 else [some]
        cast = int if spec.type == "integer" else Decimal
        return [cast(v) for v in dict.fromkeys(values) if cast(v) != current]
    return []


def variants(clause: Clause, doc_type: str, kind: str, lang: str, setting: str,
             samples: Samples):
    """(label, context, params): the defaults on the sample, then each param moved off its
    default one at a time, then each optional part of the document present (an escrow,
    the provider's insurance, time limits, a party in another EU state, the arbitration
    and jurisdiction clauses together, no e-mail or bank details)."""
    base = default_params(clause)
    context = samples(doc_type, kind, lang, setting)
    yield "", context, base
    for name, spec in clause.spec.params.items():
        for value in _alternatives(spec, base[name]):
            yield f"{name}={value!r}", context, {**base, name: value}
    for label in DOCUMENT_VARIANTS:
        yield label, samples(doc_type, kind, lang, setting, label), base


def lint_library(dirs: Sequence[Path], samples: Samples) -> tuple[list[Diagnostic], int]:
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
            diags.extend(lint_clause(clause, library, samples))
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


def show_clause(clause: Clause, lang: str, samples: Samples) -> str:
    s = clause.spec
    out = [f"{s.id} v{s.version} — {getattr(s.title, lang)}",
           f"  category:    {s.category}",
           f"  legal basis: {'; '.join(s.legal_basis) or '—'}",
           f"  documents:   {', '.join(s.documents)}    parties: {', '.join(s.parties)}",
           f"  conspicuous: {'yes (printed in bold)' if s.conspicuous else 'no'}",
           f"  requires:    {', '.join(s.requires) or '—'}    conflicts: "
           f"{', '.join(s.conflicts) or '—'}",
           f"  text sha256: {clause.text_hash(lang)}", *change_log_lines(clause)]
    if s.params:
        out.append("  params:")
        for name, p in s.params.items():
            default = "(required)" if p.default is None or p.required else repr(p.default)
            desc = getattr(p.description, lang) if p.description else ""
            out.append(f"    {name} ({p.type}) default {default}  {desc}")
    context = samples(s.documents[0], s.parties[0], lang)
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
