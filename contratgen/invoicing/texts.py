"""The words of an invoice: its labels, the advance line's text, and the mentions
(legal.invoice-mentions) as notes with their UNTDID 4451 subject codes, which the XML
carries (BT-21 / BT-22) and the DOCX prints, in the document's language.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from importlib import resources

import yaml

from ..domain import formatting as fmt
from ..render.context import labels as contract_labels
from ..domain.money import Tranche
from .plan import ZERO, Category, Invoice

# UNTDID 4451 subject codes of the French mentions (as the French e-invoicing CIUS asks)
PENALTIES = "PMD"   # pénalités de retard
INDEMNITY = "PMT"   # indemnité forfaitaire pour frais de recouvrement
DISCOUNT = "AAB"    # escompte
LEGAL = "REG"       # the seller's legal identity
TAX = "TXD"         # the VAT regime's mention


@dataclass(frozen=True)
class Note:
    code: str
    text: str


@lru_cache(maxsize=4)
def invoice_labels(lang: str) -> dict[str, str]:
    """The labels of invoices: the contract labels, with the invoice words over them."""
    text = resources.files("contratgen").joinpath("data/invoice_labels.yaml").read_text("utf-8")
    return {**contract_labels(lang), **yaml.safe_load(text)[lang]}


def advance_text(tranche: Tranche, rate: Decimal | None, contract: str, lang: str) -> str:
    """"Acompte n° 1 (30 %) sur le contrat CT-… – Acompte à la signature", with the VAT
    rate of the line when the advance has one line per rate."""
    text = invoice_labels(lang)["advance_of"].format(
        number=tranche.number, percent=fmt.percent(tranche.percent, lang), contract=contract,
        label=tranche.label)
    if rate is None:
        return text
    return f"{text} ({invoice_labels(lang)['vat_rate']} {fmt.percent(rate, lang)})"


def notes(context: dict, cat: Category, vat_on_debits: bool, due: str | None,
          deductions: str | None = None, insurance=None) -> tuple[Note, ...]:
    """The mentions of C. com. L441-9 / L441-10 and CGI 242 nonies A, from the document's
    context (build_context): penalties, the 40 € indemnity (B2B), escompte, VAT regime."""
    lang = context["document"]["language"]
    words = invoice_labels(lang)
    pay, provider = context["payment"], context["provider"]
    found = [Note(LEGAL, words["seller_legal"].format(
        name=provider["name"],
        identity=f", {provider['identity']}" if provider["identity"] else ""))]
    if insurance is not None:  # loi 96-603: the insurance on invoices too
        found.append(Note(LEGAL, words[f"insurance_{insurance.kind}"].format(
            insurer=insurance.insurer, policy=insurance.policy,
            territory=insurance.territory)))
        if insurance.certificate:   # C. assur. L243-2: embedded in the PDF (facturx.py)
            found.append(Note(LEGAL, words["insurance_certificate"]))
    if context["client"]["kind"] != "consumer":   # businesses and public purchasers
        basis = f" ({pay['late_penalty_basis']})" if pay["late_penalty_basis"] else ""
        found.append(Note(PENALTIES, words["penalties"].format(
            rate=pay["late_penalty_rate"] or "", basis=basis)))
        # a public purchaser owes the 40 € of the Code de la commande publique (R2192-35)
        indemnity = pay["recovery_indemnity"] or (
            pay["recovery_indemnity_min"] if context["client"]["kind"] == "public" else None)
        if indemnity:
            found.append(Note(INDEMNITY, words["indemnity"].format(amount=indemnity)))
    else:
        found.append(Note(PENALTIES, words["penalties_consumer"]))
    found.append(Note(DISCOUNT, words["escompte"].format(text=pay["early_payment_text"])))
    if cat.reason:
        found.append(Note(TAX, cat.reason))
    elif vat_on_debits:
        found.append(Note(TAX, words["vat_on_debits"]))
    if due is not None:   # a credit note states its own terms (einvoice_texts)
        found.append(Note("AAI", words["terms"].format(terms=pay["terms"], date=due)))
    if deductions:
        found.append(Note("AAI", deductions))
    return tuple(found)


def situation_line_text(description: str, percent: Decimal, previous: Decimal,
                        lang: str) -> str:
    """"Pose du carrelage – avancement cumulé 70 % (situation précédente : 40 %)"."""
    return invoice_labels(lang)["situation_line"].format(
        description=description, percent=fmt.percent(percent, lang),
        previous=fmt.percent(previous, lang))


def situation_text(invoice: Invoice, lang: str, retention: Decimal | None) -> str:
    """A situation's statement: the works to date less the earlier situations, and the
    retention withheld from the amount to pay."""
    words = invoice_labels(lang)
    money = lambda v: fmt.money(v, lang)  # noqa: E731
    previous = sum((p.total for p in invoice.preceding), ZERO)
    final = invoice.situation is not None and invoice.final_situation
    text = words["situation_summary"].format(
        number=invoice.situation, final=words["situation_final"] if final else "",
        cumulative=money(previous + invoice.total_ttc), previous=money(previous),
        numbers=", ".join(p.number for p in invoice.preceding) or "–",
        current=money(invoice.total_ttc))
    if invoice.withheld:
        text += " " + words["retention_note"].format(
            percent=fmt.percent(retention, lang), withheld=money(invoice.withheld),
            net=money(invoice.total_ttc - invoice.withheld))
    return text


def deductions_text(invoice: Invoice, lang: str, retention: Decimal | None = None
                    ) -> str | None:
    """The final invoice's deductions in words: each advance with its number, date,
    amount and VAT, then the VAT still due per rate (a situation: its statement)."""
    if invoice.situation is not None:
        return situation_text(invoice, lang, retention)
    kept = None
    if invoice.withheld:
        kept = invoice_labels(lang)["retention_note"].format(
            percent=fmt.percent(retention, lang), withheld=fmt.money(invoice.withheld, lang),
            net=fmt.money(invoice.due_amount - invoice.withheld, lang))
    if not invoice.preceding:
        return kept
    words = invoice_labels(lang)
    money = lambda v: fmt.money(v, lang)  # noqa: E731
    advances = words["separator"].join(words["deduction"].format(
        number=p.number, date=fmt.date(p.date, lang), total=money(p.total),
        vat=money(sum((t.amount for t in p.taxes), ZERO))) for p in invoice.preceding)
    left = words["separator"].join(f"{fmt.percent(t.rate, lang)}{words['colon']} {money(t.amount)}"
                     for t in invoice.vat_remaining)
    text = words["deductions"].format(advances=advances, prepaid=money(invoice.prepaid),
                                      remaining=left, due=money(invoice.due_amount))
    return f"{text} {kept}" if kept else text


def bank_text(context: dict) -> str | None:
    pay = context["payment"]
    if not pay["iban"]:
        return None
    bic = f" · BIC {pay['bic']}" if pay["bic"] else ""
    return invoice_labels(context["document"]["language"])["bank"].format(
        methods=pay["methods_text"], iban=pay["iban"], bic=bic)


def credit_text(entry, cancelled: Invoice, rate: Decimal | None, lang: str) -> str:
    """"Avoir sur la facture FA-… du 5 mars 2026 – <reason>", with the line's VAT rate
    when the credit note has one line per rate."""
    words = invoice_labels(lang)
    text = words["credit_of"].format(number=cancelled.number,
                                     date=fmt.date(cancelled.date, lang), reason=entry.reason)
    if rate is None:
        return text
    return f"{text} ({words['vat_rate']} {fmt.percent(rate, lang)})"
