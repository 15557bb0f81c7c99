"""A letter's outputs: the DOCX from ``templates/letter.docx`` (its body a clause of the
library), the PDF through the converter and :func:`contratgen.pdf.finalize.finalize` with no
signature field (a letter is signed by its sender, not countersigned).
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from ..render import docx as render
from ..document import Options, Prepared
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


@dataclass(frozen=True)
class Paper:
    """What a document on the letter template is written with, whatever it says: its
    names in the properties and the PDF's metadata, its date, its provenance."""
    prepared: Prepared
    stem: str                 # the output's name
    title: str                # "Relance – FA-2026-0131"
    keywords: str             # the DOCX's
    pdf_keywords: str         # the PDF's
    created: datetime.date
    provenance: dict


def paper_docx(paper: Paper, context: dict, blocks, options: Options = Options()) -> bytes:
    """The DOCX of ``paper``: ``blocks`` as the body of the letter template."""
    context["body"] = render.paragraphs_xml(blocks)
    template = render.prepare_template(template_path(options))
    problems = [d for d in template_problems(template, LETTER_KIND) if d.is_error]
    if problems:
        raise UserError(problems)
    client = paper.prepared.client
    props = render.DocProperties(
        title=paper.title, author=client.provider.name,
        subject=f"{paper.title} – {client.client.name}", keywords=paper.keywords,
        language=paper.prepared.lang, created=paper.created,
        custom=render.provenance_properties(paper.provenance))
    return render.render_docx(template, context, props)


def paper_pdf(paper: Paper, docx: bytes, converter) -> bytes:
    """The PDF of ``paper``: converted, with metadata and provenance, no signature field
    (a letter is signed by its sender, not countersigned)."""
    from ..pdf.finalize import finalize
    from ..pdf.metadata import PdfMeta
    from ..pdf.signature_fields import NO_SIGNATURES
    from ..pdf.workers import convert_for
    raw = convert_for(converter, docx, paper.stem, paper.prepared.path)
    meta = PdfMeta(title=paper.title, author=paper.prepared.client.provider.name,
                   subject=f"{paper.title} – {paper.prepared.client.client.name}",
                   keywords=paper.pdf_keywords, created=paper.created,
                   provenance=paper.provenance)
    return finalize(raw, meta, NO_SIGNATURES)


def paper_files(paper: Paper, docx: bytes, formats: Sequence[str],
                converter=None) -> dict[str, bytes]:
    """extension → bytes, every one complete before anything is written."""
    files = {}
    if "docx" in formats:
        files["docx"] = docx
    if "pdf" in formats:
        files["pdf"] = paper_pdf(paper, docx, converter)
    return files


def _paper(letter: Letter, context: dict) -> Paper:
    return Paper(letter.prepared, letter.stem,
                 f"{context['letter']['title']} – {letter.number}",
                 f"letter {letter.level} {letter.number}", f"letter {letter.level}", letter.on,
                 provenance(letter))


def letter_files(letter: Letter, formats: Sequence[str], converter=None,
                 options: Options = Options()) -> dict[str, bytes]:
    """extension → bytes, every one complete before anything is written."""
    context = letter_context(letter)
    paper = _paper(letter, context)
    return paper_files(paper, paper_docx(paper, context, _body(letter, context), options),
                       formats, converter)
