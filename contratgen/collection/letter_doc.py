"""A letter's outputs: the DOCX from ``templates/letter.docx`` (its body a clause of the
library), the PDF through the converter and :func:`contratgen.pdf.finalize.finalize` with no
signature field (a letter is signed by its sender, not countersigned).
"""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

from ..render import docx as render
from ..document import Options
from ..diagnostics import ERROR, Diagnostic, UserError
from ..library.texts import ClauseTextError, render_blocks
from ..render.template_lint import template_problems
from . import LETTER_KIND
from .letters import Letter, clause_id, letter_context

TEMPLATE = "letter.docx"


def template_path(options: Options = Options()) -> Path:
    return Path(options.templates_dir or render.SHIPPED_TEMPLATES) / TEMPLATE


def _body(letter: Letter, context: dict):
    prepared, lang = letter.prepared, letter.prepared.lang
    wanted = clause_id(letter.level)
    clause = prepared.library.get(wanted)
    if clause is None or LETTER_KIND not in clause.spec.documents:
        raise UserError([prepared.source.diagnostic((), f"the clause library has no letter "
                                                    f"body '{wanted}' (documents: [letter])",
                                                    "remind.clause")])
    try:
        return render_blocks(clause, lang, context, {})
    except ClauseTextError as exc:
        line, col = clause.locate(lang, exc.line, exc.needle)
        raise UserError([Diagnostic(clause.source.file, line, col, ERROR,
                                    f"clause '{clause.id}' ({lang}): {exc}",
                                    "clause.text")]) from None


def provenance(letter: Letter) -> dict:
    base = letter.prepared.provenance()
    clause = letter.prepared.library.get(clause_id(letter.level))
    return {**base, "document": letter.stem, "type": f"letter-{letter.level}",
            "date": letter.on.isoformat(), "contract": letter.prepared.client.document.number,
            "invoice": letter.number,
            "clauses": [{"id": clause.id, "version": clause.spec.version,
                         "sha256": clause.text_hash(letter.prepared.lang)}]}


def render_letter(letter: Letter, options: Options = Options()) -> bytes:
    """The DOCX bytes of a letter."""
    context = letter_context(letter)
    context["body"] = render.paragraphs_xml(_body(letter, context))
    template = render.prepare_template(template_path(options))
    problems = [d for d in template_problems(template, LETTER_KIND) if d.is_error]
    if problems:
        raise UserError(problems)
    client, title = letter.prepared.client, context["letter"]["title"]
    props = render.DocProperties(
        title=f"{title} – {letter.number}", author=client.provider.name,
        subject=f"{title} – {letter.number} – {client.client.name}",
        keywords=f"letter {letter.level} {letter.number}", language=letter.prepared.lang,
        created=letter.on, custom=render.provenance_properties(provenance(letter)))
    return render.render_docx(template, context, props)


def letter_pdf(letter: Letter, docx: bytes, converter) -> bytes:
    """The PDF of a letter: converted, with metadata and provenance, no signature field."""
    from ..pdf.finalize import finalize
    from ..pdf.metadata import PdfMeta
    from ..pdf.signature_fields import NO_SIGNATURES
    from ..pdf.workers import convert_for
    raw = convert_for(converter, docx, letter.stem, letter.prepared.path)
    client = letter.prepared.client
    title = f"{letter_context(letter)['letter']['title']} – {letter.number}"
    meta = PdfMeta(title=title, author=client.provider.name,
                   subject=f"{title} – {client.client.name}",
                   keywords=f"letter {letter.level}", created=letter.on,
                   provenance=provenance(letter))
    return finalize(raw, meta, NO_SIGNATURES)


def letter_files(letter: Letter, formats: Sequence[str], converter=None,
                 options: Options = Options()) -> dict[str, bytes]:
    """extension → bytes, every one complete before anything is written."""
    docx = render_letter(letter, options)
    files = {}
    if "docx" in formats:
        files["docx"] = docx
    if "pdf" in formats:
        files["pdf"] = letter_pdf(letter, docx, converter)
    return files
