"""Legal rules towards a consumer: the information owed before signing, the mediator,
the legal guarantees, the language, fairs, an early start, and the clauses a consumer
never signs (penalty caps, liability limits, a deposit that denies withdrawal)."""
from __future__ import annotations

from decimal import Decimal

from ..domain.formatting import money
from ..domain.signing import WITHDRAWAL_DAYS, signature_date, starts_within_withdrawal
from .engine import ERROR, WARNING, Finder, Level, rule

PRINTED = Level.PRINTED   # a text contratgen prints; the rule fails only if it cannot be printed
PENALTY_AMOUNT_PARAM = "amount"                 # clause_library/penalty.yaml
FULL_DAMAGES_PARAM = "consumer_full_damages"    # clause_library/penalty.yaml
# a fixed penalty above this share of the price is flagged as out of proportion
PENALTY_SHARE_FLAGGED = Decimal("0.25")
WITHDRAWAL_WORDS = {"fr": "droit de rétractation", "en": "right of withdrawal"}


def entry(selected) -> tuple:
    return ("clauses", selected.index)


def param_at(doc: Finder, selected, name: str) -> tuple:
    path = entry(selected) + ("params", name)
    return path if path in doc.prepared.source.positions else entry(selected)


def template_slot_missing(doc: Finder, slot: str):
    """An error when the document's template has no ``{{p slot }}`` to print a mandatory
    text in (a firm's own template); None when it has one."""
    from ..render.docx import template_slots
    slots = template_slots(doc.prepared.template)
    if slots is None or slot in slots:   # unreadable: the render stage says why
        return None
    return doc.at_field(("document", "template"),
                        f"the template {doc.prepared.template.name} has no '{{{{p {slot} }}}}' "
                        f"paragraph: the text this rule requires cannot be printed "
                        f"(docs/TEMPLATES.md)", ERROR)


@rule("legal.consumer-information", ERROR, "B2C",
      "C. conso. L111-1 3°, R111-1, L216-1; L221-5",
      "the performance date or deadline (document.performance), the provider's phone, email "
      "and address are stated")
def consumer_information(doc: Finder):
    if doc.client.document.performance is None:
        yield doc.at_field(("document", "performance"),
                           "a consumer is told when the work is done or the goods delivered: "
                           "set document.performance (start, end or duration_days, site)")
    provider = doc.client.provider
    for name, what in (("phone", "phone number"), ("email", "email address"),
                       ("address", "postal address")):
        if not getattr(provider, name):
            yield doc.at_field(("provider", name),
                               f"a consumer is given the provider's {what}: set "
                               f"provider.{name}")


@rule("legal.mediator", ERROR, "B2C", "C. conso. L616-1, R616-1, L211-3",
      "the consumer mediator's name and website are stated")
def mediator(doc: Finder):
    if doc.client.provider.mediator is None:
        yield doc.at_field(("provider", "mediator"),
                           "a consumer is told which consumer mediator the provider adheres "
                           "to: set provider.mediator: {name, url}")


@rule("legal.legal-guarantee", PRINTED, "B2C goods / mixed", "C. conso. L211-2, D211-2",
      "the legal-guarantee box of D211-2 (conformity, L217-3 ff., and hidden defects, "
      "C. civ. 1641 ff.) is printed, as its text requires")
def legal_guarantee(doc: Finder):
    missing = template_slot_missing(doc, "mentions")
    if missing:
        yield missing


@rule("legal.consumer-language", ERROR, "B2C", "loi 94-665 art. 2",
      "a document for a consumer is in French (a translation may accompany it)")
def consumer_language(doc: Finder):
    if doc.client.document.language != "fr":
        yield doc.at(("document", "language"),
                     "a document for a consumer is written in French: set document.language: "
                     "fr (an English translation may be given alongside)")


@rule("legal.fair-notice", PRINTED, "B2C at a fair", "C. conso. L224-59, L224-60; "
      "arrêté du 2 décembre 2014",
      "the box \"Le consommateur ne bénéficie pas d'un droit de rétractation pour un achat "
      "effectué dans une foire ou dans un salon…\" at the head of the contract, in at least "
      "12-point type")
def fair_notice(doc: Finder):
    missing = template_slot_missing(doc, "head_notice")
    if missing:
        yield missing


@rule("legal.early-start", ERROR, "B2C off-premises / distance", "C. conso. L221-25, "
      "L221-28 1°",
      "the consumer's express request to start before the end of the withdrawal period, "
      "and the acknowledgement that the right is lost once the service is fully performed")
def early_start(doc: Finder):
    client = doc.client
    if client.document.nature == "goods":  # for goods the 14 days run from delivery
        return
    perf = client.document.performance
    if perf is not None and perf.early_start_request:
        missing = template_slot_missing(doc, "client_statements")
        if missing:
            yield missing
        return
    if starts_within_withdrawal(client):
        field = "start" if perf.start is not None else "end"
        yield doc.at(("document", "performance", field),
                     f"the work may start within the {WITHDRAWAL_DAYS}-day withdrawal period "
                     f"(counted from {signature_date(client).isoformat()}): the consumer must "
                     "expressly ask for it; set document.performance.early_start_request: "
                     "true (the request and the acknowledgement are printed for the client "
                     f"to sign), or start after day {WITHDRAWAL_DAYS}")


@rule("legal.penalty-clause-consumer", ERROR, "B2C", "C. conso. R212-1 6°, R212-2 3°",
      "a penalty clause towards a consumer never caps what the professional owes (no "
      "reciprocal fixed sum); a sum out of proportion is flagged")
def penalty_clause_consumer(doc: Finder):
    total = doc.prepared.computed.total_ttc
    for selected in doc.clauses_of("penalty"):
        if selected.params.get(FULL_DAMAGES_PARAM) is not True:
            yield doc.at(param_at(doc, selected, FULL_DAMAGES_PARAM),
                         f"penalty clause '{selected.clause.id}' would cap what the "
                         "professional owes a consumer at its fixed sum: the clause must keep "
                         f"the consumer's right to full damages (param '{FULL_DAMAGES_PARAM}' "
                         "true, as the shipped clause 'penalty' does)")
        amount = selected.params.get(PENALTY_AMOUNT_PARAM)
        if isinstance(amount, (int, Decimal)) and total > 0 \
                and Decimal(amount) > total * PENALTY_SHARE_FLAGGED:
            share = (Decimal(amount) / total * 100).quantize(Decimal(1))
            yield doc.at(param_at(doc, selected, PENALTY_AMOUNT_PARAM),
                         f"penalty of {money(Decimal(amount), 'fr')} is {share} % of the TTC "
                         f"total of {money(total, 'fr')}: a sum manifestly out of proportion "
                         "is presumed abusive against a consumer (flagged above "
                         f"{int(PENALTY_SHARE_FLAGGED * 100)} %)", WARNING)


@rule("legal.liability-consumer", ERROR, "B2C", "C. conso. R212-1 6°",
      "no limitation of liability against a consumer")
def liability_consumer(doc: Finder):
    for selected in doc.clauses_of("liability"):
        yield doc.at(entry(selected),
                     f"clause '{selected.clause.id}' (limitation of liability) may not be "
                     "used against a consumer: it is black-listed and deemed unwritten; "
                     "remove it")


@rule("legal.deposit-withdrawal", ERROR, "B2C off-premises / distance",
      "C. conso. L221-18, L242-3",
      "acompte and arrhes texts keep the right of withdrawal (\"sans préjudice du droit de "
      "rétractation\")")
def deposit_withdrawal(doc: Finder):
    selected_deposits = doc.clauses_of("deposit")
    if not selected_deposits:
        return
    from ..render.clauses import clause_text
    lang = doc.prepared.lang
    for selected in selected_deposits:
        text = clause_text(doc.prepared, selected)
        if text is not None and WITHDRAWAL_WORDS[lang] not in text:
            yield doc.at(entry(selected),
                         f"clause '{selected.clause.id}' (advance payments) does not keep the "
                         f"consumer's right of withdrawal: its text must say the acompte or "
                         f"arrhes are paid \"sans préjudice du droit de rétractation\" "
                         f"(without \"{WITHDRAWAL_WORDS[lang]}\" it reads as a firm commitment)")



@rule("legal.second-hand-goods", PRINTED, "B2C goods / mixed", "C. conso. L217-7",
      "the D211-2 box with the 12-month presumption for goods sold second-hand")
def second_hand_goods(doc: Finder):
    if doc.client.document.second_hand:
        missing = template_slot_missing(doc, "mentions")
        if missing:
            yield missing
