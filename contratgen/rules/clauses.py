"""Legal rules on the clauses chosen for a document.

Rules look at a clause's *category* (``spec.category``), not its id, so that a firm's
own library (``--library``) is checked the same way as the shipped one.
"""
from __future__ import annotations

from typing import Any

from .engine import ERROR, Finder, rule

# params of an arbitration clause that name the arbitrators or how they are appointed
APPOINTMENT_PARAMS = ("arbitrators", "arbitrator", "institution", "appointment",
                      "appointing_authority")
OBLIGATIONS_PARAM = "obligations"       # clause_library/resolutory.yaml
CONSPICUOUS_CATEGORIES = ("jurisdiction", "retention_of_title")


def empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def entry(selected) -> tuple:
    """The ``clauses[i]`` entry of client.yaml that selected this clause."""
    return ("clauses", selected.index)


def param_at(doc: Finder, selected, name: str) -> tuple:
    """The param's node if client.yaml sets it, else the clause entry (library default)."""
    path = entry(selected) + ("params", name)
    return path if path in doc.prepared.source.positions else entry(selected)


@rule("legal.jurisdiction-traders", ERROR, "all", "CPC art. 48",
      "a jurisdiction clause only between two traders (commerçants); never against a "
      "consumer, a craftsman or a liberal profession")
def jurisdiction_traders(doc: Finder):
    clauses = doc.clauses_of("jurisdiction")
    if not clauses:
        return
    provider, client = doc.client.provider, doc.client.client
    reasons = []
    if client.kind == "consumer":
        reasons.append("the client is a consumer")
    for role, party in (("provider", provider), ("client", client)):
        if role == "client" and client.kind == "consumer":
            continue
        if party.craftsman:
            reasons.append(f"the {role} is a craftsman (artisan)")
        elif party.liberal_profession:
            reasons.append(f"the {role} is a liberal profession")
        elif not party.trader:
            reasons.append(f"the {role} is not a trader ({role}.trader is false)")
    if reasons:
        for selected in clauses:
            yield doc.at(entry(selected),
                         f"clause '{selected.clause.id}' (jurisdiction) is valid only between "
                         f"two traders (commerçants): {'; '.join(reasons)}")


@rule("legal.arbitration-consumer", ERROR, "B2C", "C. civ. 2061, C. conso. R212-2 10°",
      "no arbitration clause against a consumer")
def arbitration_consumer(doc: Finder):
    for selected in doc.clauses_of("arbitration"):
        yield doc.at(entry(selected),
                     f"clause '{selected.clause.id}' (arbitration) may not be used against a "
                     "consumer: remove it")


@rule("legal.arbitration-appointment", ERROR, "all", "CPC 1444",
      "an arbitration clause names the arbitrator(s) or how they are appointed")
def arbitration_appointment(doc: Finder):
    for selected in doc.clauses_of("arbitration"):
        declared = [n for n in selected.clause.spec.params if n in APPOINTMENT_PARAMS]
        if not declared:
            yield doc.at(entry(selected),
                         f"arbitration clause '{selected.clause.id}' has no param naming the "
                         f"arbitrator(s) or how they are appointed (one of "
                         f"{', '.join(APPOINTMENT_PARAMS)})")
        elif all(empty(selected.params.get(n)) for n in declared):
            yield doc.at(entry(selected),
                         f"arbitration clause '{selected.clause.id}' names neither the "
                         f"arbitrator(s) nor how they are appointed: set "
                         f"{' or '.join(declared)}")


@rule("legal.conspicuous", ERROR, "all", "CPC 48; C. com. L624-16",
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
