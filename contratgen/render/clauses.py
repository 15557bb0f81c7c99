"""A selected clause's text and articles as the document prints them.
"""
from __future__ import annotations

from . import front, docx as render
from .context import build_context
from ..diagnostics import ERROR, Diagnostic, UserError
from ..document import Prepared, SelectedClause
from ..library.spec import Part
from ..library.texts import ClauseTextError, render_blocks


def _clause_blocks(prepared: Prepared, selected: SelectedClause, context: dict,
                   part: Part = Part.TEXT):
    clause, lang = selected.clause, prepared.lang
    try:
        return render_blocks(clause, lang, context, selected.params, part)
    except ClauseTextError as exc:
        line, col = clause.locate(lang, exc.line, exc.needle, part)
        where = f"{lang}" if part == Part.TEXT else f"annex, {lang}"
        raise UserError([Diagnostic(clause.source.file, line, col, ERROR,
                                    f"clause '{clause.id}' ({where}): {exc}",
                                    "clause.text")]) from None


_TEXT_HASHES: dict[str, str] = {}   # a clause text → its SHA-256 (the texts recur)


def _text_hash(selected: SelectedClause, lang: str) -> str:
    """``clause.text_hash(lang)``, a function of the text alone, computed once per text."""
    text = selected.clause.spec.text[lang]
    digest = _TEXT_HASHES.get(text)
    if digest is None:
        digest = selected.clause.text_hash(lang)
        if len(_TEXT_HASHES) >= 1024:
            _TEXT_HASHES.clear()
        _TEXT_HASHES[text] = digest
    return digest


def document_context(prepared: Prepared) -> dict:
    """The template context of a prepared document (without the rendered articles)."""
    lang = prepared.lang
    clauses_info = [{"number": s.number, "id": s.clause.id, "version": s.clause.spec.version,
                     "title": getattr(s.clause.spec.title, lang),
                     "conspicuous": s.clause.spec.conspicuous,
                     "hash": _text_hash(s, lang)[:12]} for s in prepared.clauses]
    return build_context(prepared.client, prepared.computed, prepared.rates, clauses_info)


def clause_text(prepared: Prepared, selected: SelectedClause) -> str | None:
    """A clause's text as this document prints it (None: it cannot be rendered, which
    rendering reports)."""
    try:
        blocks = _clause_blocks(prepared, selected, document_context(prepared))
    except UserError:
        return None
    return "\n".join(b.text for b in blocks)


def clause_articles(prepared: Prepared, context: dict) -> tuple[list[render.Article],
                                                                 list[render.Article]]:
    """The numbered articles, and the annex pages the clauses bring (in clause order)."""
    articles = [render.Article(number, title, blocks, False) for number, (title, blocks)
                in enumerate(front.front_articles(prepared.client), start=1)]
    annexes = []
    for selected in prepared.clauses:
        spec, lang = selected.clause.spec, prepared.lang
        articles.append(render.Article(selected.number, getattr(spec.title, lang),
                                       _clause_blocks(prepared, selected, context),
                                       spec.conspicuous))
        if spec.annex is not None:
            blocks = _clause_blocks(prepared, selected, context, Part.ANNEX)
            if blocks:
                annexes.append(render.Article(len(annexes) + 1,
                                              getattr(spec.annex.title, lang), blocks, False))
    return articles, annexes
