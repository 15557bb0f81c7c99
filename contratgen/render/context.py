"""The rendering context: what templates and clause texts see (docs/TEMPLATES.md).

Every value is formatted for the document's language here, once, so that neither a
template nor a clause text ever formats a number or a date itself.
"""
from __future__ import annotations

import datetime
from functools import lru_cache
from typing import Any

from stdnum import iban as stdiban
from stdnum.fr import siren as stdsiren, siret as stdsiret

from ..domain import formatting as fmt
from .front import performance_context
from .i18n import labels, phrase
from .mentions import mentions_context
from . import context_records as rec
from .context_records import CONTEXT_NAMES  # noqa: F401  (the names templates may use)
from ..load.model import ClientFile, DaysAfter, Party
from ..domain.money import Computed, Tranche
from ..domain.rates import Rates
from ..domain.annexed import annexed
from ..domain.retention import release_due
from ..domain.parties import display_name, is_sole_trader, printed_form
from ..domain.terms import advance_kind, applied_penalty_rate, cross_border_eu


def _or_none(value, fn):
    return None if value is None else fn(value)


@lru_cache(maxsize=1024)   # stdnum's layout: a pure function of the identifier
def _grouped(value: str | None, module) -> str | None:
    if not value:
        return None
    try:
        return module.format(value)
    except Exception:  # an invalid identifier is reported by the rules; print it as given
        return value


def party(p: Party, lang: str, kind: str = "business", record: type = rec.Party,
          **extra: Any) -> rec.Party:
    money = lambda v: fmt.money(v, lang)  # noqa: E731
    display = display_name(p.name, p.legal_form)
    form = printed_form(p.legal_form)
    identity = []
    if form and p.capital is not None:
        identity.append(phrase(lang, "provider.capital", form=form, capital=money(p.capital)))
    elif form:
        identity.append(form)
    if p.registry or p.siren:
        identity.append(" ".join(x for x in (p.registry, _grouped(p.siren, stdsiren)) if x))
    if p.siret:
        identity.append(f"SIRET {_grouped(p.siret, stdsiret)}")
    if p.vat_number:
        identity.append(phrase(lang, "provider.vat", vat=p.vat_number))
    # a sole trader signs in person (the name is theirs); a company names who signs
    # for it, else the block leaves a line to fill — never the company's name
    signatory = rec.Signatory(p.signatory.name if p.signatory else
                              (p.name if is_sole_trader(p.legal_form) else None),
                              p.signatory.title if p.signatory else None)
    return record(
        kind=kind, name=p.name, display_name=display, legal_form=form,
        capital=_or_none(p.capital, money), capital_value=p.capital,
        siren=_grouped(p.siren, stdsiren), siret=_grouped(p.siret, stdsiret),
        registry=p.registry, trader=p.trader, vat_number=p.vat_number, address=p.address,
        email=p.email, phone=p.phone, iban=_grouped(p.iban, stdiban), bic=p.bic,
        identity=" · ".join(identity), signatory=signatory, **extra)


def insurance(client: ClientFile) -> rec.Insurance | None:
    ins = client.provider.insurance
    return None if ins is None else rec.Insurance(ins.insurer, ins.policy, ins.kind,
                                                  ins.territory)


def subcontract(client: ClientFile) -> dict[str, Any]:
    """The provider's subcontract and insurance certificate (context names)."""
    main, lang = client.main_contract, client.document.language
    ins = client.provider.insurance
    return {"subcontractor": client.provider.subcontractor,
            "insurance_certificate": bool(ins and ins.certificate),
            "main_contract": None if main is None else rec.MainContract(
                main.owner, _or_none(main.accepted, lambda d: fmt.date(d, lang)),
                main.guarantee)}


def due_text(due, lang: str) -> str:
    if isinstance(due, datetime.date):
        return phrase(lang, "due.date", date=fmt.date(due, lang))
    if isinstance(due, DaysAfter):
        return phrase(lang, "due.days_after", days=fmt.days(due.days, lang),
                      event=phrase(lang, f"event.{due.days_after}"))
    return phrase(lang, f"due.{due}")


def tranche(t: Tranche, lang: str) -> rec.Tranche:
    return rec.Tranche(t.number, t.label, fmt.percent(t.percent, lang), t.percent,
                       fmt.money(t.amount, lang), t.amount, due_text(t.due, lang))


def joined(words: list[str], lang: str) -> str:
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {phrase(lang, 'or')} {words[-1]}"




# labels that take another word when a document sells goods ("vendeur", "biens") or
# carries no VAT ("Total", not "Total TTC"): key → key_<nature> / key_no_vat
NO_VAT_LABELS = ("total_ttc", "ttc_in_words", "schedule_amount")
# under the franchise there is no tax at all: no "HT" either (key_franchise)
FRANCHISE_LABELS = ("unit_price", "total_ht")


def document_labels(lang: str, nature: str, regime: str,
                    kind: str = "business") -> dict[str, str]:
    """The labels of one document: those of its nature, VAT regime and client (a
    consumer owes interest, never "pénalités") replace the rest."""
    base = dict(labels(lang))
    result = dict(base)
    if kind == "consumer":
        result["late_penalty_rate"] = base["late_penalty_rate_consumer"]
    for key in base:
        if nature != "services" and f"{key}_{nature}" in base:
            result[key] = base[f"{key}_{nature}"]
        if regime != "standard" and key in NO_VAT_LABELS:
            result[key] = base[f"{key}_no_vat"]
        if regime == "franchise" and key in FRANCHISE_LABELS:
            result[key] = base[f"{key}_franchise"]
    return result


def signature_context(client: ClientFile, lang: str) -> rec.Signature:
    """The client's place and date of signature: blank lines to fill by hand until
    ``document.accepted`` records them (the 7 and 14 days run from the real signature)."""
    accepted = client.document.accepted
    blank = labels(lang)["blank_line"]
    return rec.Signature(client_place=accepted.place if accepted else blank,
                         client_date=fmt.date(accepted.date, lang) if accepted else blank,
                         accepted=accepted is not None, blank=blank)


def document_title(client: ClientFile, lang: str) -> str:
    doc = client.document
    if doc.title:
        return doc.title
    if doc.type == "contract" and doc.nature != "services":
        return labels(lang)[f"title_contract_{doc.nature}"]
    return phrase(lang, f"title.{doc.type}")


def _document(client: ClientFile, lang: str) -> rec.Document:
    doc = client.document
    valid_until = doc.valid_until
    if valid_until is None and doc.validity_days:
        valid_until = doc.date + datetime.timedelta(days=doc.validity_days)
    performance = performance_context(doc.performance, lang)
    return rec.Document(
        type=doc.type, is_quote=doc.type == "quote", is_contract=doc.type == "contract",
        number=doc.number, language=lang, date=fmt.date(doc.date, lang), date_value=doc.date,
        place=doc.place, title=document_title(client, lang), nature=doc.nature,
        accepted=rec.Accepted(fmt.date(doc.accepted.date, lang), doc.accepted.place)
        if doc.accepted else None,
        valid_until=_or_none(valid_until, lambda d: fmt.date(d, lang)),
        valid_until_value=valid_until, validity_days=doc.validity_days,
        free_of_charge=doc.free_of_charge,
        quote_price=_or_none(doc.quote_price, lambda v: fmt.money(v, lang))
        if doc.free_of_charge is False else None,
        copies=doc.copies, context=doc.context, object=doc.object,
        performance=None if performance is None else rec.Performance(**performance),
        cross_border_eu=cross_border_eu(client))


def _penalty_basis(client: ClientFile, rates: Rates, lang: str) -> str | None:
    """The rule of the late-payment rate, with its figure of the document's half-year
    only when the rates table has it (never another half-year's)."""
    rate = client.payment.late_penalty_rate
    if client.client.kind == "public":
        figure = "" if rates.public_penalty_rate is None else phrase(
            lang, "penalty.public_figure", rate=fmt.rate(rates.public_penalty_rate, lang),
            start=fmt.date(rates.half_start, lang))
        return phrase(lang, "penalty.public_basis",
                      margin=fmt.number(rates.public_penalty_margin, lang), figure=figure)
    if client.client.kind == "consumer":
        return phrase(lang, "penalty.legal_consumer") if rate in (None, "legal_default") \
            else None
    if rate == "legal_default" and rates.default_penalty_rate is None:
        return phrase(lang, "penalty.basis_rule",
                      margin=fmt.number(rates.default_penalty_margin, lang))
    if rate == "legal_default":
        return phrase(lang, "penalty.basis", rate=fmt.rate(rates.default_penalty_rate, lang),
                      margin=fmt.number(rates.default_penalty_margin, lang),
                      start=fmt.date(rates.half_start, lang))
    return None


def _payment(client: ClientFile, rates: Rates, provider: rec.Party,
             advance: str) -> rec.Payment:
    pay, lang = client.payment, client.document.language
    money = lambda v: fmt.money(v, lang)  # noqa: E731
    pct = lambda v: fmt.percent(v, lang)  # noqa: E731
    if pay.terms_days == 0:
        terms = phrase(lang, "terms.month_end" if pay.end_of_month else "terms.immediate")
    else:
        terms = phrase(lang, "terms.end_of_month" if pay.end_of_month else "terms.days",
                       days=fmt.days(pay.terms_days, lang))
    rate = applied_penalty_rate(client, rates)
    early = pay.early_payment_discount
    methods = tuple(phrase(lang, f"method.{m}") for m in pay.methods)
    business = client.client.kind == "business"
    return rec.Payment(
        currency=pay.currency, terms_days=pay.terms_days, end_of_month=pay.end_of_month,
        terms=terms, methods=methods, methods_text=joined(list(methods), lang),
        late_penalty_rate=_or_none(rate, pct), late_penalty_rate_value=rate,
        late_penalty_basis=_penalty_basis(client, rates, lang),
        recovery_indemnity=_or_none(pay.recovery_indemnity, money) if business else None,
        recovery_indemnity_value=pay.recovery_indemnity,
        recovery_indemnity_min=money(rates.recovery_indemnity_min),
        recovery_indemnity_agreed=business and pay.recovery_indemnity is not None
        and pay.recovery_indemnity > rates.recovery_indemnity_min,
        early_payment=rec.EarlyPayment(pct(early.rate), early.within_days, early.rate)
        if early else None,
        early_payment_text=phrase(lang, "early.discount", rate=pct(early.rate),
                                  days=fmt.days(early.within_days, lang)) if early
        else phrase(lang, "early.none"),
        advance_kind=phrase(lang, f"advance.{advance}"), advance_kind_value=advance,
        escrow=rec.Escrow(pay.escrow.holder, due_text(pay.escrow.release, lang))
        if pay.escrow else None, retention=_retention(client),
        iban=provider.iban, bic=provider.bic)


def _retention(client: ClientFile) -> rec.Retention | None:
    kept, lang = client.payment.retention, client.document.language
    if kept is None:
        return None
    perf = client.document.performance
    accepted = perf.accepted_works if perf else None
    release = release_due(accepted, kept.release_days)
    return rec.Retention(fmt.percent(kept.percent, lang), kept.percent, kept.consignee,
                         kept.bond, kept.release_days, fmt.days(kept.release_days, lang),
                         _or_none(accepted, lambda d: fmt.date(d, lang)),
                         _or_none(release, lambda d: fmt.date(d, lang)))


def _item(line, lang: str) -> rec.Item:
    item = line.item
    return rec.Item(description=item.description, quantity=fmt.number(item.quantity, lang),
                    unit=item.unit, unit_price=fmt.unit_money(item.unit_price, lang),
                    vat_rate=fmt.percent(item.vat_rate, lang),
                    discount=fmt.percent(item.discount, lang) if item.discount else None,
                    total_ht=fmt.money(line.total_ht, lang), total_ht_value=line.total_ht)


def context_record(client: ClientFile, computed: Computed, rates: Rates,
                   clauses: list[dict] | tuple = ()) -> rec.Context:
    """The template context of a document, as records (docs/TEMPLATES.md)."""
    doc, lang = client.document, client.document.language
    money = lambda v: fmt.money(v, lang)  # noqa: E731
    pct = lambda v: fmt.percent(v, lang)  # noqa: E731
    provider = party(client.provider, lang, record=rec.Provider, insurance=insurance(client),
                     **subcontract(client))
    payment = _payment(client, rates, provider, advance_kind(client))
    deposit = computed.deposit
    mentions = mentions_context(client, lang)
    return rec.Context(
        document=_document(client, lang),
        provider=provider,
        client=party(client.client, lang, client.client.kind),
        items=tuple(_item(line, lang) for line in computed.lines),
        vat_lines=tuple(rec.VatLine(pct(v.rate), money(v.base), money(v.amount), v.rate,
                                    v.amount) for v in computed.vat_lines),
        totals=rec.Totals(
            ht=money(computed.total_ht), vat=money(computed.total_vat),
            ttc=money(computed.total_ttc), ht_value=computed.total_ht,
            vat_value=computed.total_vat, ttc_value=computed.total_ttc,
            ttc_words=fmt.amount_in_words(computed.total_ttc, lang, client.payment.currency)),
        payment=payment,
        schedule=tuple(tranche(t, lang) for t in computed.tranches),
        deposit=rec.Deposit(money(deposit.amount), pct(deposit.percent), deposit.amount,
                            payment.advance_kind, deposit.label) if deposit else None,
        clauses=tuple(rec.ClauseRow(**c) for c in clauses),
        annexes=tuple(rec.Annex(a.title) for a in annexed(client)),
        labels=document_labels(lang, doc.nature, mentions["vat"]["regime"], client.client.kind),
        signature=signature_context(client, lang),
        vat=rec.Vat(**mentions["vat"]),
        head_notice=mentions["head_notice"], mentions=mentions["mentions"],
        has_mentions=mentions["has_mentions"],
        client_statements=mentions["client_statements"],
        mentions_heading=mentions["mentions_heading"])


def build_context(client: ClientFile, computed: Computed, rates: Rates,
                  clauses: list[dict] | tuple = ()) -> dict[str, Any]:
    """The template context of a document: :func:`context_record` as plain mappings."""
    return rec.as_context(context_record(client, computed, rates, clauses))
