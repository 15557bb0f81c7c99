"""Legal rules on payment: terms, late penalties, indemnity, discount, schedule, advances."""
from __future__ import annotations

import datetime
import re
from decimal import Decimal

from ..domain.formatting import money, percent
from ..load.model import DaysAfter
from ..domain.money import UP_FRONT, up_front
from ..domain.terms import advance_kind as printed_advance_kind
from ..domain.signing import COOLING_OFF_DAYS, signature_date, signature_known
from .engine import ERROR, WARNING, Finder, rule

MAX_TERM_DAYS = 60              # C. com. L441-10 I, from the invoice date
MAX_TERM_DAYS_END_OF_MONTH = 45
# what a consumer would hand over at signing: held a prohibited consideration (L221-10)
HELD_AT_SIGNING = {"check": "cheque", "card": "card (an imprint or pre-authorisation)",
                   "direct_debit": "direct debit (a SEPA mandate)"}


def pct(value: Decimal) -> str:
    return percent(value, "fr")


def eur(value: Decimal) -> str:
    return money(value, "fr")


def half_name(half: str) -> str:
    """``2026-H1`` → ``1st half 2026``."""
    year, h = half.split("-H")
    return f"{'1st' if h == '1' else '2nd'} half {year}"


def describe_due(due) -> str:
    if isinstance(due, datetime.date):
        return f"on {due.isoformat()}"
    if isinstance(due, DaysAfter):
        return f"{due.days} days after {due.days_after}"
    return f"at {due}"


@rule("legal.payment-term-max", ERROR, "B2B", "C. com. L441-10 I",
      "payment term at most 60 days from invoice date, or 45 days end of month")
def payment_term_max(doc: Finder):
    pay = doc.client.payment
    if pay.end_of_month and pay.terms_days > MAX_TERM_DAYS_END_OF_MONTH:
        yield doc.at(("payment", "terms_days"),
                     f"payment term of {pay.terms_days} days end of month exceeds the "
                     f"{MAX_TERM_DAYS_END_OF_MONTH}-day end-of-month maximum")
    elif not pay.end_of_month and pay.terms_days > MAX_TERM_DAYS:
        yield doc.at(("payment", "terms_days"),
                     f"payment term of {pay.terms_days} days exceeds the {MAX_TERM_DAYS}-day "
                     f"maximum from the invoice date (or {MAX_TERM_DAYS_END_OF_MONTH} days "
                     "end of month)")


@rule("legal.penalty-rate-stated", ERROR, "B2B", "C. com. L441-10 II, L441-16",
      "the late-payment penalty rate must be stated")
def penalty_rate_stated(doc: Finder):
    if doc.client.payment.late_penalty_rate is None:
        rates = doc.prepared.rates
        yield doc.at_field(("payment", "late_penalty_rate"),
                           "the late-payment penalty rate is not stated: set "
                           "payment.late_penalty_rate to a rate, or to legal_default (ECB rate "
                           f"+ {rates.default_penalty_margin.normalize():f} points = "
                           f"{pct(rates.default_penalty_rate)})")


@rule("legal.penalty-rate-floor", ERROR, "B2B", "C. com. L441-10 II",
      "an agreed rate may not be below 3 × the legal interest rate")
def penalty_rate_floor(doc: Finder):
    rate = doc.client.payment.late_penalty_rate
    rates = doc.prepared.rates
    # legal_default (ECB + 10 points) is the law's own rate: always above the floor
    if isinstance(rate, Decimal) and rate < rates.penalty_floor:
        yield doc.at(("payment", "late_penalty_rate"),
                     f"late penalty rate {pct(rate)} is below the legal floor of "
                     f"{pct(rates.penalty_floor)} ({rates.penalty_floor_multiple.normalize():f} "
                     f"× taux d'intérêt légal, {half_name(rates.half)})")


@rule("legal.recovery-indemnity", ERROR, "B2B", "C. com. L441-10 II, D441-5",
      "the fixed recovery indemnity (at least 40 €) must be stated")
def recovery_indemnity(doc: Finder):
    amount = doc.client.payment.recovery_indemnity
    minimum = doc.prepared.rates.recovery_indemnity_min
    if amount is None:
        yield doc.at_field(("payment", "recovery_indemnity"),
                           "the fixed indemnity for recovery costs is not stated: set "
                           f"payment.recovery_indemnity (at least {eur(minimum)})")
    elif amount < minimum:
        yield doc.at(("payment", "recovery_indemnity"),
                     f"recovery indemnity {eur(amount)} is below the legal minimum of "
                     f"{eur(minimum)}")


def template_prints(doc: Finder, name: str) -> bool:
    """True when the document's template prints the value ``name`` (``{{ name }}``), or
    cannot be read (rendering then says why)."""
    from ..diagnostics import UserError
    from ..render.docx import prepare_template
    try:
        template = prepare_template(doc.prepared.template)
    except UserError:
        return True
    text = re.sub(r"<[^>]+>", "", template.sources.get("word/document.xml", ""))
    return re.search(r"\{\{[^}]*\b" + re.escape(name) + r"\b", text) is not None


# clauses whose text prints the discount conditions, "pas d'escompte" when there is none
DISCOUNT_CATEGORIES = ("early_payment", "late_payment")


@rule("legal.early-payment-stated", WARNING, "B2B", "C. com. L441-9",
      "the early payment discount conditions must be stated (\"pas d'escompte\" counts)")
def early_payment_stated(doc: Finder):
    # an explicit `early_payment_discount: null` is a statement: "pas d'escompte"; so is a
    # clause that prints the conditions ("Conditions d'escompte : pas d'escompte…")
    if "early_payment_discount" not in doc.client.payment.model_fields_set \
            and not doc.clauses_of(*DISCOUNT_CATEGORIES) \
            and not template_prints(doc, "payment.early_payment_text"):
        yield doc.at_field(("payment", "early_payment_discount"),
                           "the early payment discount conditions are not stated: set "
                           "payment.early_payment_discount to {rate, within_days}, or to null "
                           "for \"pas d'escompte\"")


@rule("legal.schedule-total", ERROR, "all", "—",
      "tranches sum to 100 % / to the TTC total exactly; no tranche is zero or negative")
def schedule_total(doc: Finder):
    # money.allocate refuses a schedule that does not add up (prepare() reports it under
    # this id); this re-checks the computed result, so a regression there cannot reach
    # a signed document.
    computed = doc.prepared.computed
    for t in computed.tranches:
        if t.amount <= 0:
            yield doc.at(("payment", "schedule", t.source_index),
                         f"tranche '{t.label}' comes to {eur(t.amount)}: every tranche must "
                         "be positive")
    total = sum((t.amount for t in computed.tranches), Decimal(0))
    if computed.tranches and total != computed.total_ttc:
        yield doc.at(("payment", "schedule"),
                     f"the tranches sum to {eur(total)}, not to the TTC total "
                     f"{eur(computed.total_ttc)}")


@rule("legal.advance-kind", WARNING, "B2C", "C. conso. L214-1",
      "say whether advance payments are \"acompte\" or \"arrhes\"; silent means arrhes")
def advance_kind(doc: Finder):
    if doc.client.payment.advance_kind is not None:
        return
    computed = doc.prepared.computed
    first = computed.deposit or next((t for t in computed.tranches if up_front(t.due)), None)
    if first is not None:
        yield doc.at(("payment", "schedule", first.source_index),
                     f"tranche '{first.label}' is paid up-front but payment.advance_kind does "
                     "not say whether it is an acompte or arrhes: silent means arrhes (the "
                     "client may cancel by losing them, the provider by repaying double)")


# the words of a tranche's label that name the kind of an advance (fr and en)
ADVANCE_WORDS = {"arrhes": ("arrhes", "deposit"),
                 "acompte": ("acompte", "down payment", "payment on account")}


def label_kind(label: str) -> str | None:
    """``arrhes`` or ``acompte`` when a tranche's label names one (and only one)."""
    words = label.casefold()
    named = [kind for kind, names in ADVANCE_WORDS.items() if any(n in words for n in names)]
    return named[0] if len(named) == 1 else None


@rule("legal.advance-label", ERROR, "all", "C. conso. L214-1; C. civ. 1188, 1190",
      "a tranche labelled arrhes / acompte (or deposit / down payment) agrees with "
      "advance_kind")
def advance_label(doc: Finder):
    printed = printed_advance_kind(doc.client)
    said = "payment.advance_kind is" if doc.client.payment.advance_kind else \
        "payment.advance_kind is silent, so the document says"
    for t in doc.prepared.computed.tranches:
        named = label_kind(t.label)
        if named is not None and named != printed:
            yield doc.at(("payment", "schedule", t.source_index, "label"),
                         f"tranche '{t.label}' is labelled {named} but {said} {printed}: "
                         "the document would name the same sum both ways (an acompte binds "
                         "both parties, arrhes let either back out; in doubt, against the "
                         f"client who did not write it): set payment.advance_kind: {named} "
                         "or relabel the tranche")


@rule("legal.off-premises-payment", ERROR, "B2C off-premises", "C. conso. L221-10",
      "no payment may be due in the 7 days after signing; no cheque, card imprint or "
      "direct-debit mandate taken at signing")
def off_premises_payment(doc: Finder):
    # counted from the client's signature (document.accepted), or from the earliest date
    # the client could sign (the document's date) while it is not recorded
    signed = signature_date(doc.client)
    last_day = signed + datetime.timedelta(days=COOLING_OFF_DAYS)
    counted = "the client's signature (document.accepted)" if signature_known(doc.client) \
        else "the document's date, the earliest the client can sign"
    for t in doc.prepared.computed.tranches:
        due = t.due
        too_early = (
            (isinstance(due, str) and due in UP_FRONT)
            or (isinstance(due, datetime.date) and due <= last_day)
            or (isinstance(due, DaysAfter) and due.days_after in UP_FRONT
                and due.days <= COOLING_OFF_DAYS))
        if too_early:
            yield doc.at(("payment", "schedule", t.source_index, "due"),
                         f"tranche '{t.label}' is due {describe_due(due)}: no payment may be "
                         f"received from a consumer within {COOLING_OFF_DAYS} days of an "
                         f"off-premises contract, counted from {counted} {signed.isoformat()} "
                         f"(at the earliest {{days_after: signature, days: "
                         f"{COOLING_OFF_DAYS + 1}}}, or "
                         f"{(last_day + datetime.timedelta(days=1)).isoformat()})")
    for i, method in enumerate(doc.client.payment.methods):
        if method in HELD_AT_SIGNING:
            yield doc.at_field(("payment", "methods", i),
                               f"payment by {HELD_AT_SIGNING[method]}: do not take it at the "
                               "signing (a cheque handed over, even uncashed, a card imprint "
                               "or a signed mandate is a prohibited consideration within the "
                               "7 days); collect it after the 7th day", WARNING)


@rule("legal.rates-table", WARNING, "all", "contratgen/data/rates.yaml",
      "a document dated outside the rates table uses the latest known half-year")
def rates_table(doc: Finder):
    rates = doc.prepared.rates
    if not rates.covered:
        day = doc.client.document.date
        lacks = " and ".join({"legal": "the taux d'intérêt légal",
                              "ecb": "the ECB rate"}[m] for m in rates.missing)
        yield doc.at(("document", "date"),
                     f"the rates table has no {half_name(rates.wanted)} ({rates.wanted}) for "
                     f"{lacks}, the half-year of {day.isoformat()}: the document states the "
                     "rule without that figure, and an amount computed for that half-year "
                     "(dues, reminders, an agreement's interest) is refused until it is added. "
                     "Once it is published, write it in a YAML file (legal_interest: "
                     f"[{{half: {rates.wanted}, consumer: ..., other: ..., source: ...}}]) and "
                     "pass it with --rates FILE; `contratgen rates --missing` says what to add "
                     "and where it is published")
