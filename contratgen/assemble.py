"""Assembling one document: the stages :func:`contratgen.pipeline.prepare` runs between
reading the file and checking it — paths resolved safely, the clause library and the
template chosen, the default schedule, the amounts computed, the clauses selected with
their parameters, the template linted for this document.

Each function returns a new value; a user's mistake is a located
:class:`~contratgen.diagnostics.UserError`.
"""
from __future__ import annotations

import hashlib
from decimal import Decimal
from pathlib import Path
from typing import Sequence

from .render import front, docx as render
from .diagnostics import ERROR, WARNING, Diagnostic, UserError, has_errors
from .document import Options, SelectedClause
from .render.i18n import phrase
from .library.loader import SHIPPED, load_library
from .library.spec import Clause, Library, coerce_param
from .load.model import ClientFile, Tranche as TrancheInput
from .domain.annexed import annexed
from .domain.money import Computed, ScheduleError, compute
from .load.source import Source, load_bytes, read_file
from .render.template_lint import template_problems



def load(path: Path) -> tuple[Source, str]:
    """The parsed file and the SHA-256 of the very bytes parsed (one read)."""
    raw = read_file(path, str(path))
    return load_bytes(raw, str(path)), hashlib.sha256(raw).hexdigest()


def _within(base: Path, target: Path) -> bool:
    try:
        target.resolve().relative_to(base.resolve())
        return True
    except ValueError:
        return False
    except (RuntimeError, OSError):  # a symlink loop, a name too long…: not a usable path
        return False


def resolve_path(source: Source, where: tuple, value: str, options: Options,
                 what: str) -> Path:
    """A path written in client.yaml, relative to that file; never outside its folder
    unless ``--allow-outside-paths`` (the file may come from someone we do not trust)."""
    base = Path(source.file).parent
    target = (base / value)
    try:
        target.resolve(strict=False)
    except (RuntimeError, OSError) as exc:
        raise UserError([source.diagnostic(where, f"{what} path '{value}' cannot be resolved "
                                           f"({exc.__class__.__name__}: a symlink loop?)",
                                           "path.invalid")]) from None
    if not options.allow_outside_paths and not _within(base, target):
        raise UserError([source.diagnostic(where, f"{what} path '{value}' leads outside the "
                                           "input file's folder (use --allow-outside-paths "
                                           "to permit it)", "path.outside")])
    return target


def library_dirs(client: ClientFile, source: Source, options: Options) -> list[Path]:
    """The clause library folders of a document, in layering order."""
    dirs = [SHIPPED, *options.library_dirs]
    if client.library:
        own = resolve_path(source, ("library", "path") if isinstance(source.data.get("library"),
                                                                     dict) else ("library",),
                           client.library.path, options, "library")
        dirs = [own] if not client.library.layer else dirs + [own]
    return dirs


def library_for(client: ClientFile, source: Source, options: Options) -> tuple[Library, list]:
    return load_library(library_dirs(client, source, options))


def dependencies(client: ClientFile, source: Source, options: Options, annexes: bool
                 ) -> tuple[list[Path], Path, list[Path]]:
    """The library folders, the template and (``annexes``) the annex files a document's
    outputs are made from — found by the very rules its build follows, so a batch knows
    what to watch without building (a path the build would refuse is left out: that
    input fails anyway)."""
    try:
        dirs = library_dirs(client, source, options)
    except UserError:
        dirs = [SHIPPED, *options.library_dirs]
    try:
        template = template_for(client, source, options)
    except UserError:
        template = Path(source.file)   # refused: the input itself stands for it
    files = []
    for annex in annexed(client) if annexes else ():
        try:
            files.append(resolve_path(source, annex.where, annex.path, options, "annex"))
        except UserError:
            continue
    return dirs, template, files


def template_for(client: ClientFile, source: Source, options: Options) -> Path:
    if client.document.template:
        return resolve_path(source, ("document", "template"), client.document.template,
                            options, "template")
    directory = options.templates_dir or render.SHIPPED_TEMPLATES
    return Path(directory) / f"{client.document.type}.docx"


def annex_paths(client: ClientFile, source: Source, options: Options) -> tuple[
        tuple[Path, ...], list[Diagnostic]]:
    listed = annexed(client)
    if not listed:   # no PDF to vet: the PDF stage (pypdf) is not even imported
        return (), []
    from .pdf import annex_guard
    paths, diags = [], []
    if len(listed) > annex_guard.MAX_ANNEXES:
        return (), [source.diagnostic(("annexes",), f"{len(listed)} annexes (the limit "
                                      f"is {annex_guard.MAX_ANNEXES})", "annexes.too-large")]
    for annex in listed:
        try:
            target = resolve_path(source, annex.where, annex.path, options, "annex")
            annex_guard.check_file(target)   # a regular PDF file, five bytes read
        except UserError as exc:
            diags.extend(exc.diagnostics)
            continue
        except annex_guard.AnnexRefused as exc:
            diags.append(source.diagnostic(annex.where, f"annex '{annex.path}' {exc}",
                                           exc.code))
        paths.append(target)
    if not diags:   # parsed and cleaned once (cached): check and build say the same
        diags = [source.diagnostic(listed[i].where, f"annex '{listed[i].path}' {message}", code)
                 for i, message, code in annex_guard.vet(paths, pdfa=False)]
    return tuple(paths), diags


def default_schedule(client: ClientFile) -> ClientFile:
    """No schedule: the whole price is one tranche, due on final delivery. (An instalment
    agreement has no price: its plan is ``installments``.)"""
    if client.payment.schedule or client.document.type == "installment_agreement":
        return client
    tranche = TrancheInput(label=phrase(client.document.language, "schedule.single"),
                           percent=Decimal(100), due="final_delivery")
    payment = client.payment.model_copy(update={"schedule": [tranche]})
    return client.model_copy(update={"payment": payment})


def compute_numbers(client: ClientFile, source: Source) -> Computed:
    try:
        return compute(client)
    except ScheduleError as exc:
        where = ("payment", "schedule") if exc.index is None else \
            ("payment", "schedule", exc.index)
        raise UserError([source.diagnostic(where, str(exc), "legal.schedule-total")]) from None


def select_clauses(client: ClientFile, source: Source, library: Library) -> tuple[
        tuple[SelectedClause, ...], list[Diagnostic]]:
    """The clauses of client.yaml, checked against the library's rules of use."""
    diags: list[Diagnostic] = []
    selected: list[SelectedClause] = []
    doc_type, kind = client.document.type, client.client.kind
    # a public purchaser is not a consumer: it takes the clauses written for businesses
    kind = "business" if kind == "public" else kind
    ids = [ref.id for ref in client.clauses]
    first = front.count(client) + 1   # the object and time limits come first
    for i, ref in enumerate(client.clauses):
        where = ("clauses", i)
        clause = library.get(ref.id)
        if clause is None:
            known = ", ".join(sorted(library.clauses)) or "none"
            diags.append(source.diagnostic(where, f"unknown clause '{ref.id}' (the library has: "
                                           f"{known})", "clauses.unknown"))
            continue
        spec = clause.spec
        if ref.id in ids[:i]:
            diags.append(source.diagnostic(where, f"clause '{ref.id}' is listed twice",
                                           "clauses.duplicate"))
        if doc_type not in spec.documents:
            diags.append(source.diagnostic(where, f"clause '{ref.id}' may not appear in a "
                                           f"{doc_type} (only: {', '.join(spec.documents)})",
                                           "clauses.documents"))
        if kind not in spec.parties:
            diags.append(source.diagnostic(where, f"clause '{ref.id}' may not be used with a "
                                           f"{kind} client (only: {', '.join(spec.parties)})",
                                           "clauses.parties"))
        for needed in spec.requires:
            if needed not in ids:
                diags.append(source.diagnostic(where, f"clause '{ref.id}' requires clause "
                                               f"'{needed}'", "clauses.requires"))
        for other in spec.conflicts:
            if other in ids:
                diags.append(source.diagnostic(where, f"clause '{ref.id}' conflicts with "
                                               f"clause '{other}'", "clauses.conflicts"))
        params, param_diags = _params(ref.params, clause, source, i)
        diags.extend(param_diags)
        selected.append(SelectedClause(clause, params, first + len(selected), i))
    return tuple(selected), diags


def _params(given: dict, clause: Clause, source: Source, index: int):
    diags, values = [], {}
    specs = clause.spec.params
    for name, value in given.items():
        where = ("clauses", index, "params", name)
        if name not in specs:
            known = ", ".join(specs) or "none"
            diags.append(source.diagnostic(where, f"clause '{clause.id}' has no param '{name}' "
                                           f"(its params: {known})", "clauses.params",
                                           key=True))
            continue
        try:
            values[name] = coerce_param(specs[name], value)
        except ValueError as exc:
            diags.append(source.diagnostic(where, f"param '{name}' of clause '{clause.id}': "
                                           f"{exc}", "clauses.params"))
    for name, spec in specs.items():
        if name in values or name in given:
            continue
        if spec.required:   # the library wants this value written in client.yaml
            diags.append(source.diagnostic(("clauses", index), f"clause '{clause.id}' needs "
                                           f"param '{name}' ({spec.type}): the library marks "
                                           "it required", "clauses.params"))
        elif spec.default is None:
            diags.append(source.diagnostic(("clauses", index), f"clause '{clause.id}' needs "
                                           f"param '{name}' ({spec.type})", "clauses.params"))
        else:
            values[name] = coerce_param(spec, spec.default)
    return values, diags


def template_diagnostics(client: ClientFile, source: Source, template: Path,
                         clauses: Sequence[SelectedClause]) -> list[Diagnostic]:
    """The template linter's findings for this document; a missing slot is an error
    whenever the document has what goes there (it would silently vanish)."""
    needed = {"articles": bool(clauses),
              "clause_annexes": any(s.clause.spec.annex is not None for s in clauses),
              "object": bool(client.document.object)}
    try:
        prepared_template = render.prepare_template(template)
    except UserError as exc:   # refused as a package (guard), or its tags do not compile
        return list(in_client_file(client, source, exc).diagnostics)
    found = []
    for d in template_problems(prepared_template, client.document.type):
        slot = next((name for name in needed if f"{{{{p {name} }}}}" in d.message), None)
        if d.code == "template.slot" and slot and needed[slot] and d.severity == WARNING:
            d = Diagnostic(d.file, d.line, d.col, ERROR, d.message, d.code)
        found.append(d)
    if client.document.template and has_errors(found):
        found.append(source.diagnostic(("document", "template"), "this template cannot be "
                                       "used: see the problems reported in it", "template"))
    return found


def in_client_file(client: ClientFile, source: Source, exc: UserError) -> UserError:
    """A template the client file chose is refused at its ``document.template`` line."""
    value = client.document.template
    if not value:
        return exc
    return UserError([source.diagnostic(
        ("document", "template"), f"template '{value}': {d.message}", d.code)
        for d in exc.diagnostics])
