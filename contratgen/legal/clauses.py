"""Legal rules on the clauses chosen for a document.

Rules look at a clause's *category* (``spec.category``), not its id, so that a firm's
own library (``--library``) is checked the same way as the shipped one.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..domain.formatting import money
from ..domain.parties import normalised_form
from ..domain.terms import cross_border_eu
from .consumer import PENALTY_AMOUNT_PARAM, PENALTY_SHARE_FLAGGED
from .engine import ERROR, WARNING, Finder, rule

# params of an arbitration clause that name the arbitrators or how they are appointed
APPOINTMENT_PARAMS = ("arbitrators", "arbitrator", "institution", "appointment",
                      "appointing_authority")
OBLIGATIONS_PARAM = "obligations"       # clause_library/resolutory.yaml
CONSPICUOUS_CATEGORIES = ("jurisdiction", "retention_of_title")
CROSS_BORDER_PARAM = "cross_border"     # clause_library/jurisdiction.yaml
# C. com. L210-1: commercial by form, whatever their object (an artisan trading as a SARL
# is a trader for CPC 48); EURL and SASU are the one-member SARL and SAS. Sociétés
# d'exercice libéral (SELARL, SELAS…) are left out: their object is civil.
COMMERCIAL_FORMS = {"SNC", "SCS", "SARL", "EURL", "SA", "SAS", "SASU", "SCA"}


def commercial_by_form(legal_form: str | None) -> bool:
    return normalised_form(legal_form) in COMMERCIAL_FORMS


def empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def entry(selected) -> tuple:
    """The ``clauses[i]`` entry of client.yaml that selected this clause."""
    return ("clauses", selected.index)


def param_at(doc: Finder, selected, name: str) -> tuple:
    """The param's node if client.yaml sets it, else the clause entry (library default)."""
    path = entry(selected) + ("params", name)
    return path if path in doc.prepared.source.positions else entry(selected)


def _not_a_trader(role: str, party) -> str | None:
    if commercial_by_form(party.legal_form):
        return None   # a trader by form, even when registered at the RM
    if party.craftsman:
        return f"the {role} is a craftsman (artisan)"
    if party.liberal_profession:
        return f"the {role} is a liberal profession"
    if not party.trader:
        return f"the {role} is not a trader ({role}.trader is false)"
    return None


@rule("legal.jurisdiction-traders", ERROR, "all", "CPC art. 48; C. com. L210-1",
      "a jurisdiction clause only between two traders (commerçants, a commercial company "
      "by form counts); never against a consumer, a craftsman or a liberal profession; "
      "Brussels I bis art. 25 instead when a party is established in another EU state")
def jurisdiction_traders(doc: Finder):
    clauses = doc.clauses_of("jurisdiction")
    if not clauses:
        return
    provider, client = doc.client.provider, doc.client.client
    if client.kind == "consumer":
        reasons = ["the client is a consumer"]
    else:
        reasons = [r for r in (_not_a_trader("provider", provider),
                               _not_a_trader("client", client)) if r]
    for selected in clauses:
        # Brussels I bis art. 25 governs a clause with a party in another Member State
        # and does not ask for traders; never against a consumer (its art. 19)
        cross_border = cross_border_eu(doc.client) or selected.params.get(CROSS_BORDER_PARAM)
        found = reasons if client.kind == "consumer" or not cross_border else []
        if found:
            yield doc.at(entry(selected),
                         f"clause '{selected.clause.id}' (jurisdiction) is valid only between "
                         f"two traders (commerçants): {'; '.join(found)}")


@rule("legal.arbitration-consumer", ERROR, "B2C", "C. civ. 2061, C. conso. R212-2 10°",
      "no arbitration clause against a consumer")
def arbitration_consumer(doc: Finder):
    for selected in doc.clauses_of("arbitration"):
        yield doc.at(entry(selected),
                     f"clause '{selected.clause.id}' (arbitration) may not be used against a "
                     "consumer: remove it")


@rule("legal.arbitration-appointment", WARNING, "all", "CPC 1444, 1451-1454",
      "an arbitration clause names the arbitrator(s) or how they are appointed; without "
      "them CPC 1451-1454 (the juge d'appui) supply the appointment")
def arbitration_appointment(doc: Finder):
    for selected in doc.clauses_of("arbitration"):
        declared = [n for n in selected.clause.spec.params if n in APPOINTMENT_PARAMS]
        if not declared:
            yield doc.at(entry(selected),
                         f"arbitration clause '{selected.clause.id}' has no param naming the "
                         f"arbitrator(s) or how they are appointed (one of "
                         f"{', '.join(APPOINTMENT_PARAMS)}); failing agreement, the juge "
                         "d'appui appoints them (CPC 1451-1454)")
        elif all(empty(selected.params.get(n)) for n in declared):
            yield doc.at(entry(selected),
                         f"arbitration clause '{selected.clause.id}' names neither the "
                         f"arbitrator(s) nor how they are appointed: set "
                         f"{' or '.join(declared)} (otherwise the juge d'appui appoints "
                         "them, CPC 1451-1454)")


# CPC 48 asks a jurisdiction clause to be "spécifiée de façon très apparente"; L624-16
# asks a retention of title to be agreed in writing at the latest on delivery, not bold
# print: the house prints both in bold, the law asks it of the first.
@rule("legal.conspicuous", ERROR, "all", "CPC 48",
      "jurisdiction and retention-of-title clauses are printed very visibly (bold)")
def conspicuous(doc: Finder):
    for selected in doc.clauses_of(*CONSPICUOUS_CATEGORIES):
        spec = selected.clause.spec
        if not spec.conspicuous:
            yield doc.at(entry(selected),
                         f"clause '{spec.id}' ({spec.category}) must be printed very visibly, "
                         f"but {selected.clause.source.file} sets conspicuous: false")


@rule("legal.resolutory-obligations", ERROR, "all", "C. civ. 1225",
      "a resolutory clause names the obligations whose breach triggers it")
def resolutory_obligations(doc: Finder):
    for selected in doc.clauses_of("resolutory"):
        # a firm's clause without this param has its obligations written in its text
        if OBLIGATIONS_PARAM in selected.clause.spec.params \
                and empty(selected.params.get(OBLIGATIONS_PARAM)):
            yield doc.at(param_at(doc, selected, OBLIGATIONS_PARAM),
                         f"resolutory clause '{selected.clause.id}' does not name the "
                         f"obligations whose breach triggers it: set its param "
                         f"'{OBLIGATIONS_PARAM}'")


@rule("legal.b2c-context", ERROR, "B2C", "C. conso. L221-1, L221-18",
      "a consumer document says where it is concluded (on premises, off premises, at a "
      "distance): the right of withdrawal depends on it")
def b2c_context(doc: Finder):
    # on_premises is the model's default; for a consumer, a guess could deny the right
    # of withdrawal in a signed document, so it must be written
    if "context" not in doc.client.document.model_fields_set:
        yield doc.at(("document",),
                     "say where this consumer contract is concluded: document.context: "
                     "on_premises, off_premises, distance or fair (the 14-day right of withdrawal "
                     "depends on it)", key=True)


@rule("legal.withdrawal-notice", ERROR, "B2C off-premises / distance",
      "C. conso. L221-18, L221-9",
      "the 14-day withdrawal right and its form must be included")
def withdrawal_notice(doc: Finder):
    if doc.clauses_of("withdrawal"):
        return
    offered = sorted(c.id for c in doc.prepared.library.clauses.values()
                     if c.spec.category == "withdrawal") or ["withdrawal"]
    context = doc.client.document.context
    where = "at a distance" if context == "distance" else context.replace("_", "-")
    yield doc.at(("clauses",),
                 f"a consumer contract concluded {where} must include the 14-day right of "
                 f"withdrawal and its form: add the clause '{offered[0]}'", key=True)


@rule("legal.retention-services", ERROR, "all", "C. civ. 2367; C. com. L624-16; "
      "C. civ. 551-552",
      "retention of title needs goods (error for services); goods incorporated into a "
      "building cannot be taken back (warning for building works)")
def retention_services(doc: Finder):
    nature = doc.client.document.nature
    for selected in doc.clauses_of("retention_of_title"):
        if doc.client.provider.building_trade and nature != "goods":   # works, not a sale
            yield doc.at(entry(selected),
                         f"clause '{selected.clause.id}' (retention of title) on building "
                         "works: materials incorporated into the building become the "
                         "owner's by accession and cannot be taken back; the clause holds "
                         "only for goods delivered and not yet incorporated", WARNING)
        elif nature == "services":
            yield doc.at(entry(selected),
                         f"clause '{selected.clause.id}' (retention of title) needs goods to "
                         "retain, and this document sells services (document.nature: "
                         "services): remove it, or set document.nature: goods or mixed")


@rule("legal.penalty-proportion", WARNING, "B2B", "C. civ. 1231-5 al. 2",
      "a fixed penalty of 25 % of the price or more may be moderated by the judge")
def penalty_proportion(doc: Finder):
    total = doc.prepared.computed.total_ttc
    for selected in doc.clauses_of("penalty"):
        amount = selected.params.get(PENALTY_AMOUNT_PARAM)
        if isinstance(amount, (int, Decimal)) and not isinstance(amount, bool) \
                and total > 0 and Decimal(amount) >= total * PENALTY_SHARE_FLAGGED:
            share = (Decimal(amount) / total * 100).quantize(Decimal(1))
            yield doc.at(param_at(doc, selected, PENALTY_AMOUNT_PARAM),
                         f"penalty of {money(Decimal(amount), 'fr')} is {share} % of the TTC "
                         f"price of {money(total, 'fr')}: a judge may reduce a penalty "
                         "manifestly excessive (flagged from "
                         f"{int(PENALTY_SHARE_FLAGGED * 100)} %); a sum in proportion to the "
                         "harm foreseen holds better")
