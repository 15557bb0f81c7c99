"""The one pipeline every command runs, stage by stage.

    load → validate → compute → check          :func:`prepare`     → :class:`Prepared`
    render                                     :func:`render_document` → DOCX bytes
    convert                                    :func:`convert`     → LibreOffice's PDF
    finalize                                   :func:`finalize`    → the PDF to sign
    write                                      :func:`write`       → the paths written

``build`` and ``batch`` run all of it (:func:`produce` then :func:`write`), ``check`` and
``preview`` stop before writing (:func:`check`, :func:`produce`), ``invoice``, ``remind``
and ``diff`` start from :func:`prepare`. The batch converts in the parent and finalizes
from a :class:`PdfPlan` — a small record made at prepare time — so each input is read and
prepared once, and its PDF describes the very bytes its DOCX was built from.

Each stage returns a new value; a user's mistake is a located
:class:`~contratgen.diagnostics.UserError` and nothing is written.
"""
from __future__ import annotations

from dataclasses import dataclass


from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from . import assemble
from .assemble import in_client_file
from .collection.agreement import document_extra, resolve_debt, with_agreement_clauses
from .date_guard import check_dates
from .diagnostics import ERROR, WARNING, Diagnostic, UserError, has_errors
from .document import Options, Prepared
from .domain.annexed import annexed
from .domain.rates import rates_for
from .load.salvage import Partial, parse_partial
from .output import name_key, safe_name, write_outputs
from .render import front, docx as docx_render
from .render.clauses import clause_articles, document_context
from .render.i18n import phrase

if TYPE_CHECKING:   # the PDF stage is imported only when a PDF is asked
    from .pdf.annexes import Annex
    from .pdf.metadata import PdfMeta
    from .pdf.signature_fields import SignatureSlot

__all__ = ["Options", "Prepared", "PdfPlan", "Outputs", "prepare", "render_document", "pdf_plan",
           "convert", "finalize", "to_pdf", "produce", "write", "build", "check"]


# --- load → validate → compute → check ---------------------------------------------------

def prepare(path: Path, options: Options = Options()) -> Prepared:
    """Everything up to rendering; raises :class:`UserError` with all located problems.

    The input is read once (its SHA-256 is of the very bytes parsed). A schema error does
    not stop the checks: the stages run on the fields that are well-formed
    (:mod:`contratgen.load.salvage`), and every problem is reported at once."""
    path = Path(path)
    source, digest = assemble.load(path)
    partial = parse_partial(source)
    if partial.client is None:
        raise UserError(partial.diagnostics)
    try:
        return _prepare_valid(path, source, digest, partial.client, options, partial)
    except UserError as exc:
        if not partial.diagnostics:
            raise
        found = list(partial.diagnostics) + partial.keep(source, exc.diagnostics)
        raise UserError(sorted(found, key=lambda d: (d.line, d.col))) from None


def _prepare_valid(path: Path, source, digest: str, client, options: Options,
                   partial: Partial) -> Prepared:
    out_of_range = check_dates(client, source)   # before any period is added to one
    if out_of_range:
        raise UserError(out_of_range)
    client = with_agreement_clauses(assemble.default_schedule(client))
    client = resolve_debt(client, options.rates, source)   # debt.interest: auto, as dues
    computed = assemble.compute_numbers(client, source)
    rates = rates_for(client.document.date, options.rates)
    library, lib_diags = assemble.library_for(client, source, options)
    if has_errors(lib_diags):
        raise UserError(lib_diags)
    clauses, diags = assemble.select_clauses(client, source, library)
    template = assemble.template_for(client, source, options)
    annexes, annex_diags = assemble.annex_paths(client, source, options)
    diags = diags + annex_diags + assemble.template_diagnostics(client, source, template,
                                                                clauses)
    prepared = Prepared(path, source, digest, client, computed, rates, library, clauses,
                        template, annexes)
    from .legal import check_document
    diags = diags + check_document(prepared)
    if options.strict:
        diags = [Diagnostic(d.file, d.line, d.col, ERROR, d.message + " (--strict)", d.code)
                 if d.severity == WARNING else d for d in diags]
    if partial.diagnostics:  # the schema errors stop the document, after every check ran
        raise UserError(diags)
    if has_errors(diags):
        raise UserError(sorted(diags, key=lambda d: (d.line, d.col)))
    return Prepared(path, source, digest, client, computed, rates, library, clauses, template,
                    annexes, tuple(diags))


# --- render --------------------------------------------------------------------------------

def render_document(prepared: Prepared) -> bytes:
    """The DOCX bytes of a prepared document."""
    lang = prepared.lang
    context = document_context(prepared)
    context.update(document_extra(prepared.client))   # an instalment agreement's debt, plan
    articles, annexes = clause_articles(prepared, context)
    context["articles"] = docx_render.articles_xml(articles)
    context["object"] = docx_render.section_xml(front.title(lang, "object"),
                                                front.object_blocks(prepared.client))
    context["clause_annexes"] = docx_render.annex_pages_xml(annexes, phrase(lang, "annex"))
    doc = prepared.client.document
    props = docx_render.DocProperties(
        title=context["document"]["title"], author=prepared.client.provider.name,
        subject=f"{context['document']['title']} {doc.number}",
        keywords=" ".join(s.clause.id for s in prepared.clauses), language=lang,
        created=doc.date, custom=docx_render.provenance_properties(prepared.provenance()))
    try:
        return docx_render.render_docx(docx_render.prepare_template(prepared.template),
                                       context, props)
    except UserError as exc:
        raise in_client_file(prepared.client, prepared.source, exc) from None



# --- convert → finalize ----------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class PdfPlan:
    """What finalizing a document's PDF needs, decided at prepare time: small and picklable,
    so a batch finalizes in a worker without reading or preparing the input again."""

    number: str                       # the document number (names the conversion)
    input_path: str                   # the client file, for messages
    template: tuple[str, int, int]    # where a missing signature bookmark is reported
    meta: PdfMeta
    slots: tuple[SignatureSlot, ...]  # provider then client: the templates' bookmarks
    annexes: tuple[Annex, ...]        # in client.yaml's order
    annex_places: tuple[tuple[str, int, int], ...]   # each annex path's place in client.yaml
    pdfa: bool = False


def pdf_plan(prepared: Prepared, pdfa: bool = False) -> PdfPlan:
    """The plan of a prepared document's PDF; the annexes are vetted now (located errors)."""
    from .pdf import annex_guard, annexes as pdf_annexes, metadata, signature_fields
    from .render.context import document_title
    from .render.package import language_tag
    doc, lang, source = prepared.client.document, prepared.lang, prepared.source
    slots = (signature_fields.SignatureSlot("provider_signature"),   # the templates' bookmarks
             signature_fields.SignatureSlot("client_signature"))
    listed = annexed(prepared.client)   # client.yaml's annexes, then the insurance certificate
    annexes = tuple(pdf_annexes.Annex(a.title, path)
                    for a, path in zip(listed, prepared.annexes))
    title = document_title(prepared.client, lang)
    meta = metadata.PdfMeta(title=f"{title} {doc.number}", author=prepared.client.provider.name,
                            subject=f"{title} — {prepared.client.client.name}",
                            keywords=" ".join(s.clause.id for s in prepared.clauses),
                            created=doc.date, provenance=prepared.provenance(),
                            language=language_tag(lang))
    vetted = annex_guard.vet(prepared.annexes, pdfa)
    if vetted:
        raise UserError([source.diagnostic(
            listed[i].where, f"annex '{listed[i].path}' {message}",
            code) for i, message, code in vetted])
    places = tuple(source.where(listed[i].where) for i in range(len(annexes)))
    template = (str(prepared.template), 0, 0)
    if doc.template:   # the client file chose it: say so at its line
        template = (source.file, *source.where(("document", "template")))
    return PdfPlan(doc.number, str(prepared.path), template, meta, slots, annexes,
                   tuple((source.file, line, col) for line, col in places), pdfa)


def convert(converter, docx: bytes, plan: PdfPlan) -> bytes:
    """LibreOffice's PDF of the DOCX (a failure is exit 3, through ExternalError)."""
    from .pdf.workers import convert_for
    return convert_for(converter, docx, plan.number, Path(plan.input_path))


def finalize(plan: PdfPlan, raw: bytes) -> bytes:
    """Signature fields, metadata, provenance and annexes added to LibreOffice's PDF."""
    from .pdf import annexes as pdf_annexes, finalize as pdf_finalize, signature_fields
    try:
        return pdf_finalize.finalize(raw, plan.meta, list(plan.slots), list(plan.annexes),
                                     pdfa=plan.pdfa)
    except signature_fields.AnchorNotFound as exc:
        file, line, col = plan.template
        raise UserError([Diagnostic(file, line, col, ERROR, str(exc),
                                    "template.signature")]) from None
    except pdf_annexes.AnnexUnreadable as exc:
        index = next((i for i, a in enumerate(plan.annexes) if str(a.path) in str(exc)), None)
        file, line, col = plan.annex_places[index] if index is not None else \
            (plan.input_path, 0, 0)
        raise UserError([Diagnostic(file, line, col, ERROR, str(exc),
                                    "annexes.unreadable")]) from None


def to_pdf(prepared: Prepared, docx: bytes, converter, pdfa: bool = False) -> bytes:
    """convert → finalize for a prepared document."""
    plan = pdf_plan(prepared, pdfa)
    return finalize(plan, convert(converter, docx, plan))


# --- the whole document -------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Outputs:
    prepared: Prepared
    files: dict           # extension → bytes, every one complete before anything is written


def produce(path: Path, formats: Sequence[str], options: Options = Options(),
            converter=None, pdfa: bool = False) -> Outputs:
    """Every stage but writing: the files of one input, in memory."""
    prepared = prepare(path, options)
    docx = render_document(prepared)
    files = {}
    if "docx" in formats:
        files["docx"] = docx
    if "pdf" in formats:
        files["pdf"] = to_pdf(prepared, docx, converter, pdfa)
    return Outputs(prepared, files)


def write(outputs: Outputs, out_dir: Path, taken: dict | None = None) -> list[Path]:
    """Write the files as ``<number>.<ext>``, all or none. ``taken`` maps outputs already
    written in this run to their input: a second input with the same document number is
    an error, not a silent overwrite."""
    prepared = outputs.prepared
    stem = safe_name(prepared.client.document.number)
    owners = {name_key(path): owner for path, owner in (taken or {}).items()}
    for ext in outputs.files:
        # CT-1 and ct-1 are one file on a case-insensitive disk (Windows, macOS)
        owner = owners.get(name_key(Path(out_dir) / f"{stem}.{ext}"))
        if owner is not None:
            number = prepared.client.document.number
            raise UserError([prepared.source.diagnostic(
                ("document", "number"), f"document number '{number}' is also the number of "
                f"{owner}: both would be written to {stem}.{ext}", "build.duplicate-number")])
    return write_outputs(outputs.files, Path(out_dir), stem)


def build(path: Path, out_dir: Path, formats: Sequence[str], options: Options = Options(),
          converter=None, pdfa: bool = False, taken: dict | None = None,
          anchors: str | None = None) -> tuple[list[Path], tuple[Diagnostic, ...]]:
    """Build one input into ``out_dir``; returns the written paths and the warnings.
    ``anchors``: a signing service's invisible anchors under the signature blocks."""
    outputs = produce(path, formats, options, converter, pdfa)
    if anchors and "pdf" in outputs.files:
        from dataclasses import replace
        from .pdf.anchors import add_anchors
        outputs = replace(outputs, files={**outputs.files,
                                          "pdf": add_anchors(outputs.files["pdf"], anchors)})
    return write(outputs, out_dir, taken), outputs.prepared.diagnostics


def check(path: Path, options: Options = Options()) -> Prepared:
    """Prepare and render (clause texts and template render without error); writes nothing."""
    prepared = prepare(path, options)
    render_document(prepared)
    return prepared
