"""The request to release the retenue de garantie (``contratgen release``): a payment
request, not an invoice — the retained amounts were invoiced with their VAT on the
invoices that withheld them, so nothing here declares VAT again.

prepare the deal as ``build`` does (the rule legal.retention-guarantee checks the
retention and the request) → what each invoice withheld (:mod:`contratgen.domain.retention`,
:func:`contratgen.domain.situations.invoiced`) → a letter (``templates/letter.docx``, its
body the clause ``retention_release``) → DOCX and PDF. Returns values; the CLI prints.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from decimal import Decimal
from pathlib import Path
from typing import Any, Sequence

import yaml

from .diagnostics import ERROR, Diagnostic, UserError
from .document import Options, Prepared
from .domain import formatting as fmt
from .domain.retention import Release, release_due, withholdings
from .domain.situations import invoiced

CLAUSE = "retention_release"    # clause_library/retention_release.yaml, documents: [letter]
CODE = "release.request"
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class ReleaseRequest:
    prepared: Prepared
    release: Release
    diagnostics: tuple[Diagnostic, ...]

    @property
    def stem(self) -> str:
        return self.release.number


def release_of(prepared: Prepared) -> Release:
    """What the deal's invoices withheld, and when it may be claimed."""
    client = prepared.client
    ledger, retention = client.invoicing, client.payment.retention
    request = ledger.retention_release
    perf = client.document.performance
    accepted = perf.accepted_works if perf else None
    marks = withholdings(invoiced(prepared.computed, ledger.invoices), retention.percent,
                         retention.bond)
    return Release(request.number, request.date, marks, accepted,
                   release_due(accepted, retention.release_days))


def prepare_release(path: Path, options: Options = Options()) -> ReleaseRequest:
    """The release request of the deal at ``path``; raises :class:`UserError` with every
    located problem (no request in the ledger, nothing withheld)."""
    from .pipeline import prepare
    prepared = prepare(Path(path), options)
    client, source = prepared.client, prepared.source
    if client.invoicing is None or client.invoicing.retention_release is None:
        where = ("invoicing",) if client.invoicing else ()
        raise UserError([source.diagnostic(where, "no release request to write: set "
                                           "invoicing.retention_release: {number, date}",
                                           CODE)])
    release = release_of(prepared)
    if release.amount <= 0:
        raise UserError([source.diagnostic(("invoicing", "retention_release"),
                                           "no invoice withheld anything: there is no "
                                           "retention to release", CODE, ERROR)])
    return ReleaseRequest(prepared, release, prepared.diagnostics)


# --- the letter ------------------------------------------------------------------------------

@lru_cache(maxsize=4)
def release_labels(lang: str) -> dict[str, str]:
    text = resources.files("contratgen").joinpath("data/release_labels.yaml").read_text("utf-8")
    return yaml.safe_load(text)[lang]


def release_context(request: ReleaseRequest) -> dict[str, Any]:
    """The letter template's context: the deal's, with ``letter`` filled as the template
    expects (the request in place of an invoice) and ``release`` for the body."""
    from .collection import collection_labels
    from .render.context import build_context
    prepared, lang, release = request.prepared, request.prepared.lang, request.release
    client = prepared.client
    money = lambda v: fmt.money(v, lang)  # noqa: E731
    date = lambda d: fmt.date(d, lang) if d else None  # noqa: E731
    context = build_context(client, prepared.computed, prepared.rates, [])
    words = {**collection_labels(lang), **release_labels(lang)}
    title = words["title_retention_release"]
    context["labels"] = {**words, "letter_invoice": words["release_request"],
                         "letter_due_date": words["release_due"],
                         "letter_principal": words["release_principal"],
                         "letter_interest": words["release_vat"]}
    context["letter"] = {
        "level": "retention-release", "is_reminder": False, "is_second_reminder": False,
        "is_formal_notice": False, "title": title, "date": date(release.date),
        "date_value": release.date, "place": client.document.place, "business": False,
        "invoice": {"number": release.number, "date": date(release.date),
                    "due": date(release.due_from) or date(release.date),
                    "tranche": title, "days_late": 0, "interest_from": None,
                    "amount": money(release.amount), "paid": money(ZERO),
                    "outstanding": money(release.amount), "interest": money(ZERO),
                    "indemnity": money(ZERO), "claimable": money(release.amount)},
        "has_interest": False, "has_indemnity": False, "has_paid": False,
        "deadline_days": 0, "deadline": None, "resolutory": None, "previous_notice": None,
        "contract": client.document.number, "contract_date": date(client.document.date),
        "contract_is_quote": client.document.type == "quote"}
    retention = client.payment.retention
    context["release"] = {
        "number": release.number, "date": date(release.date),
        "amount": money(release.amount), "percent": fmt.percent(retention.percent, lang),
        "consignee": retention.consignee, "accepted_works": date(release.accepted_works),
        "due_from": date(release.due_from), "early": release.early,
        "invoices": [{"number": w.number, "date": date(w.date), "invoiced": money(w.invoiced),
                      "withheld": money(w.withheld)} for w in release.withholdings
                     if w.withheld > 0]}
    return context


def _body(request: ReleaseRequest, context: dict):
    from .library.texts import ClauseTextError, render_blocks
    prepared = request.prepared
    clause = prepared.library.get(CLAUSE)
    if clause is None:
        raise UserError([prepared.source.diagnostic((), f"the clause library has no letter "
                                                    f"body '{CLAUSE}' (documents: [letter])",
                                                    CODE)])
    try:
        return render_blocks(clause, prepared.lang, context, {})
    except ClauseTextError as exc:
        line, col = clause.locate(prepared.lang, exc.line, exc.needle)
        raise UserError([Diagnostic(clause.source.file, line, col, ERROR,
                                    f"clause '{clause.id}' ({prepared.lang}): {exc}",
                                    "clause.text")]) from None


def provenance(request: ReleaseRequest) -> dict:
    prepared = request.prepared
    clause = prepared.library.get(CLAUSE)
    return {**prepared.provenance(), "document": request.stem, "type": "retention-release",
            "date": request.release.date.isoformat(),
            "contract": prepared.client.document.number,
            "clauses": [{"id": clause.id, "version": clause.spec.version,
                         "sha256": clause.text_hash(prepared.lang)}]}


def _paper(request: ReleaseRequest, context: dict):
    from .collection.letter_doc import Paper
    return Paper(request.prepared, request.stem,
                 f"{context['letter']['title']} – {request.stem}",
                 f"letter retention-release {request.stem}", "letter retention-release",
                 request.release.date, provenance(request))


def render_release(request: ReleaseRequest, options: Options = Options()) -> bytes:
    """The DOCX bytes of the release request (the letter template)."""
    from .collection.letter_doc import paper_docx
    context = release_context(request)
    return paper_docx(_paper(request, context), context, _body(request, context), options)


def release_files(request: ReleaseRequest, formats: Sequence[str], converter=None,
                  options: Options = Options()) -> dict[str, bytes]:
    """extension → bytes, every one complete before anything is written."""
    from .collection.letter_doc import paper_docx, paper_files
    context = release_context(request)
    paper = _paper(request, context)
    return paper_files(paper, paper_docx(paper, context, _body(request, context), options),
                       formats, converter)
