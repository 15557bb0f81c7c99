"""Legal rules of the building trades (LEGAL_FR.md, Version 3): the retenue de garantie,
progress invoices, the décennale certificate, the subcontractor's side of a subcontract,
and the construction guarantees printed for a consumer. (Retention of title on goods a
building absorbs is legal.retention-services, in clauses.py.)"""
from __future__ import annotations

import re

from ..domain import situations
from ..domain.formatting import percent
from ..domain.retention import MAX_PERCENT, RELEASE_DAYS, release_due
from .engine import ERROR, WARNING, Finder, Level, rule

PRINTED = Level.PRINTED
RETENTION_CLAUSE = "retention_guarantee"       # clause_library/retention_guarantee.yaml
SUBCONTRACT_CLAUSE = "subcontract"             # the subcontractor's side
MAIN_CONTRACTOR_CLAUSE = "subcontracting"      # the main contractor's side
# a tranche that is in truth a retenue de garantie, by its label
RETENTION_WORDS = re.compile(r"retenue\s+de\s+garantie|\bretention\b|\bholdback\b",
                             re.IGNORECASE)


def _selected(doc: Finder, clause_id: str):
    return next((s for s in doc.prepared.clauses if s.clause.id == clause_id), None)


def _pct(value) -> str:
    return percent(value, "fr")


@rule("legal.retention-guarantee", ERROR, "all", "loi 71-584 art. 1, 2",
      "a retenue de garantie is at most 5 % of the TTC price, consigned with a third party "
      "both accept, released a year after acceptance of the works unless opposed, replaceable "
      "by a caution; withheld from the amount due of each invoice (base and VAT unchanged), "
      "released by a payment request, never a second invoice")
def retention_guarantee(doc: Finder):
    client = doc.client
    for i, tranche in enumerate(client.payment.schedule):
        if RETENTION_WORDS.search(tranche.label):
            yield doc.at(("payment", "schedule", i, "label"),
                         f"tranche '{tranche.label}' is a retenue de garantie, not a tranche "
                         "of the price: it is withheld from the amount due of each invoice "
                         "and released a year after acceptance of the works, so neither its "
                         "date nor the payment-term caps fit it. Remove the tranche and set "
                         "payment.retention: {percent: 5, consignee: …}")
    retention = client.payment.retention
    if retention is not None:
        yield from _retention_terms(doc, retention)
    yield from _release(doc, retention)


def _retention_terms(doc: Finder, retention):
    where = ("payment", "retention")
    if retention.percent > MAX_PERCENT:
        yield doc.at(where + ("percent",),
                     f"a retenue de garantie of {_pct(retention.percent)}: at most "
                     f"{_pct(MAX_PERCENT)} of the price TTC")
    if retention.release_days > RELEASE_DAYS:
        yield doc.at(where + ("release_days",),
                     f"the retention is released {retention.release_days} days after "
                     f"acceptance of the works: at most a year ({RELEASE_DAYS} days) unless "
                     "the client opposed it")
    if not retention.bond and not retention.consignee:
        yield doc.at_field(where + ("consignee",),
                           "the retention is consigned with a third party both parties accept "
                           "(payment.retention.consignee: a bank, a notary, the Caisse des "
                           "dépôts), or replaced by a caution (bond: true)")
    if not building_works(doc):
        yield doc.at(where, "a retenue de garantie is a term of building works (loi 71-584, "
                            "C. civ. 1779 3°): set provider.building_trade", WARNING)
    if _selected(doc, RETENTION_CLAUSE) is None:
        yield doc.at(where, f"the retention is agreed in the document: add the clause "
                            f"'{RETENTION_CLAUSE}' under clauses")


def building_works(doc: Finder) -> bool:
    return doc.client.provider.building_trade


def _release(doc: Finder, retention):
    ledger = doc.client.invoicing
    if ledger is None or ledger.retention_release is None:
        return
    where = ("invoicing", "retention_release")
    request = ledger.retention_release
    if retention is None or retention.bond:
        yield doc.at(where, "nothing was withheld (no payment.retention, or a bond replaces "
                            "it): there is no retention to release")
        return
    perf = doc.client.document.performance
    accepted = perf.accepted_works if perf else None
    due = release_due(accepted, retention.release_days)
    if due is None:
        yield doc.at(where, "the retention is released after the acceptance of the works: "
                            "record it as document.performance.accepted_works")
    elif request.date < due:
        yield doc.at(where + ("date",),
                     f"the release is asked on {request.date.isoformat()}, before "
                     f"{due.isoformat()} ({retention.release_days} days after acceptance of "
                     f"the works on {accepted.isoformat()}): the client owes it only then",
                     WARNING)


@rule("legal.progress-invoices", ERROR, "all", "C. com. L441-9; CGI 289",
      "progress invoices (situations) are numbered in order; each line's percentage is "
      "cumulative, never decreases and is at most 100 %; each situation invoices something")
def progress_invoices(doc: Finder):
    ledger = doc.client.invoicing
    if ledger is None:
        return
    for problem in situations.problems(ledger.invoices, len(doc.client.items)):
        # client.yaml's mapping keys are texts: progress {2: 40} is at "progress", "2"
        where = tuple(str(part) if isinstance(part, int) else part for part in problem.where)
        yield doc.at(("invoicing", "invoices", problem.entry) + where, problem.message)


@rule("legal.decennale-certificate", ERROR, "building trade", "C. assur. L243-2",
      "the insurance certificate is annexed to quotes and invoices "
      "(provider.insurance.certificate)")
def decennale_certificate(doc: Finder):
    insurance = doc.client.provider.insurance
    if insurance is not None and insurance.kind == "decennale" and not insurance.certificate:
        yield doc.at_field(("provider", "insurance", "certificate"),
                           "the décennale insurance certificate is annexed to quotes and "
                           "invoices: set provider.insurance.certificate to its PDF")


@rule("legal.subcontractor", ERROR, "all", "loi 75-1334 art. 3, 12, 14; CGI 283-2 nonies",
      "the main contractor had the subcontractor accepted and its payment terms approved by "
      "the owner (art. 3), and gives a caution or a délégation de paiement (art. 14: "
      "otherwise void); the direct action (art. 12) is recalled; building works: reverse "
      "charge 283-2 nonies")
def subcontractor(doc: Finder):
    client = doc.client
    if not client.provider.subcontractor:
        if client.main_contract is not None:
            yield doc.at(("main_contract",), "main_contract describes a subcontract: set "
                                             "provider.subcontractor: true", WARNING)
        return
    main = client.main_contract
    if main is None:
        yield doc.at_field(("main_contract",),
                           "a subcontractor names the main contract: main_contract: {owner, "
                           "accepted, guarantee}")
    else:
        yield from _main_contract(doc, main)
    if client.client.kind != "business":
        yield doc.at(("client", "kind"), "a subcontractor works for a main contractor, a "
                                         "business: client.kind is business")
    if _selected(doc, MAIN_CONTRACTOR_CLAUSE) is not None:
        yield doc.at(("clauses", _selected(doc, MAIN_CONTRACTOR_CLAUSE).index),
                     f"the clause '{MAIN_CONTRACTOR_CLAUSE}' is written from the main "
                     f"contractor's side: a subcontractor uses '{SUBCONTRACT_CLAUSE}'")
    if _selected(doc, SUBCONTRACT_CLAUSE) is None:
        yield doc.at(("provider", "subcontractor"),
                     f"the subcontract recalls acceptance, the payment guarantee and the "
                     f"direct action against the owner: add the clause "
                     f"'{SUBCONTRACT_CLAUSE}' under clauses")
    if client.provider.building_trade:
        yield from _reverse_charge(doc)


def _main_contract(doc: Finder, main):
    where = ("main_contract",)
    if main.guarantee is None:
        yield doc.at_field(where + ("guarantee",),
                           "without a caution or a délégation de paiement from the main "
                           "contractor the subcontract is void (art. 14): set "
                           "main_contract.guarantee: caution | delegation")
    if main.accepted is None:
        yield doc.at_field(where + ("accepted",),
                           f"the owner ({main.owner}) has not yet accepted the subcontractor "
                           "nor approved its payment terms (art. 3): until then the direct "
                           "action is lost; record the date in main_contract.accepted",
                           WARNING)


def _reverse_charge(doc: Finder):
    vat = doc.client.vat
    if vat is None or vat.regime != "reverse_charge":
        yield doc.at_field(("vat", "regime"),
                           "building works subcontracted for a main contractor: the main "
                           "contractor pays the VAT (autoliquidation, CGI 283-2 nonies): set "
                           "vat: {regime: reverse_charge, ground: \"CGI art. 283-2 nonies\"} "
                           "and every rate to 0")


@rule("legal.works-guarantees", PRINTED, "building trade",
      "C. civ. 1792, 1792-3, 1792-6; C. conso. L111-1, R111-1",
      "a consumer's works quote or contract prints the garantie de parfait achèvement, the "
      "biennale and the décennale")
def works_guarantees(doc: Finder):
    if doc.client.client.kind != "consumer":
        return
    from .consumer import template_slot_missing
    missing = template_slot_missing(doc, "mentions")
    if missing:
        yield missing
