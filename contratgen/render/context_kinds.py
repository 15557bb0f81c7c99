"""What invoices, letters and instalment agreements add to the template context.

Records as in :mod:`contratgen.render.context_records`: each field carries its description,
docs/TEMPLATES.md is generated from them, and tests/test_context_records.py checks that the
contexts ``invoicing``, ``collection`` build have exactly these fields.
"""
from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Optional

from markupsafe import Markup

from .context_records import CONTEXT_NAMES, Record, doc, record, top_names


# --- invoice --------------------------------------------------------------------------------

@record
class InvoiceTranche(Record):
    """The tranche of the contract's schedule this invoice bills."""
    number: int = doc("1, 2, …")
    label: str = doc("as written")
    percent: str = doc("`30 %`")
    amount: str = doc("money")


@record
class InvoiceLine(Record):
    """One line of `invoice.lines`."""
    number: int = doc("1, 2, …")
    description: str = doc("as written")
    quantity: str = doc("`3`, `1,5`")
    unit: Optional[str] = doc("or none")
    unit_price: str = doc("money")
    vat_rate: str = doc("`20 %`")
    discount: Optional[str] = doc("`10 %` or none")
    total_ht: str = doc("money, after discount")
    total_ht_value: Decimal = doc("the amount")


@record
class TaxLine(Record):
    """One VAT line (`invoice.taxes`, `invoice.vat_invoiced`, `invoice.vat_remaining`)."""
    rate: str = doc("`20 %`")
    base: str = doc("money HT")
    amount: str = doc("money VAT")
    total: str = doc("money TTC")
    category: str = doc("the VAT category code (`S`, `E`, `AE`, `K`, `O`…)")
    rate_value: Decimal = doc("the rate")
    base_value: Decimal = doc("the amount")
    amount_value: Decimal = doc("the amount")


@record
class PrecedingInvoice(Record):
    """An advance invoice a final invoice deducts."""
    number: str = doc("`FA-2026-0107`")
    date: str = doc("`20 avril 2026`")
    total: str = doc("money TTC")
    vat: str = doc("money VAT")


@record
class InvoiceNote(Record):
    """A mandatory mention of the invoice (also in the CII XML)."""
    code: str = doc("the UNTDID 4451 subject code (`PMT`, `PMD`, `AAB`…)")
    text: str = doc("the mention")


@record
class Invoice(Record):
    """The invoice (`templates/invoice.docx`); `labels` are the invoice labels."""
    number: str = doc("`FA-2026-0131`")
    type_code: str = doc("`386` (advance) / `380` (final) / `381` (credit note)")
    is_advance: bool = doc("an advance invoice (a tranche before the last)")
    is_final: bool = doc("the final invoice (the balance)")
    title: str = doc("`Facture d'acompte` / `Facture`")
    date: str = doc("`20 avril 2026`")
    date_value: datetime.date = doc("the date")
    due_date: str = doc("`20 mai 2026`")
    due_date_value: datetime.date = doc("the date")
    contract: str = doc("the contract's number")
    nature: str = doc("the nature of the operations (services, goods, both)")
    delivery_address: Optional[str] = doc("the client's delivery address, or none")
    tranche: InvoiceTranche = doc("the tranche billed")
    lines: tuple[InvoiceLine, ...] = doc("the lines, in order")
    taxes: tuple[TaxLine, ...] = doc("one per VAT rate")
    with_vat: bool = doc("true when VAT is charged (category `S`)")
    vat_mention: Optional[str] = doc("why no VAT is charged, or none")
    total_ht: str = doc("money")
    total_vat: str = doc("money")
    total_ttc: str = doc("money")
    total_ttc_value: Decimal = doc("the amount")
    prepaid: str = doc("money already invoiced as advances")
    prepaid_value: Decimal = doc("the amount")
    due_amount: str = doc("money left to pay")
    due_amount_value: Decimal = doc("the amount")
    preceding: tuple[PrecedingInvoice, ...] = doc("the advance invoices deducted")
    vat_invoiced: tuple[TaxLine, ...] = doc("the VAT of the advances, per rate")
    vat_remaining: tuple[TaxLine, ...] = doc("the VAT left, per rate")
    notes: tuple[InvoiceNote, ...] = doc("the mandatory mentions, in order")
    bank: Optional[str] = doc("the bank details line, or none")
    is_credit_note: bool = doc("a credit note (avoir, `381`)")
    supplied: Optional[str] = doc("the date of the sale or service (BT-72), `5 mars 2026`")
    supplied_period: Optional[str] = doc("the period of the supply in words (BG-14), or none")
    order_reference: Optional[str] = doc("the buyer's purchase order (BT-13), or none")
    billing_address: Optional[str] = doc("the billing address when it differs, or none")
    payee: Optional[str] = doc("the escrow holder paid instead of the provider, in words")
    cancels: Optional[str] = doc("a credit note: `Annule la facture FA-… du …`")
    reason: Optional[str] = doc("a credit note: why")
    terms_text: str = doc("the payment terms in words (a credit note's own)")
    qr: Optional[str] = doc("the slot of the EPC QR code (a paragraph holding only "
                            "`{{ invoice.qr }}` becomes the image), or none")


@record
class InvoiceNames(Record):
    """The names an invoice template adds."""
    invoice: Invoice = doc("the invoice")


# --- letter -------------------------------------------------------------------------------

@record
class LetterInvoice(Record):
    """The unpaid invoice a letter is about (the amounts of `dues --json`)."""
    number: str = doc("`FA-2026-0131`")
    date: Optional[str] = doc("`20 avril 2026`")
    due: Optional[str] = doc("its due date")
    tranche: str = doc("the tranche's label")
    days_late: int = doc("`45`")
    interest_from: Optional[str] = doc("the date late interest runs from, or none")
    amount: str = doc("money: the invoice's amount")
    paid: str = doc("money paid")
    outstanding: str = doc("money left")
    interest: str = doc("money: late interest to date")
    indemnity: str = doc("money: the recovery indemnity (B2B)")
    claimable: str = doc("money: outstanding + interest + indemnity")


@record
class Resolutory(Record):
    """The contract's resolutory clause (C. civ. 1225)."""
    number: int = doc("its article number")
    title: str = doc("its title")
    notice_days: Optional[int] = doc("its notice period, or none")


@record
class Letter(Record):
    """A payment reminder or formal notice (`templates/letter.docx`); `labels` are the
    collection labels."""
    level: str = doc("`reminder` / `second-reminder` / `formal-notice`")
    is_reminder: bool = doc("the level is `reminder`")
    is_second_reminder: bool = doc("the level is `second-reminder`")
    is_formal_notice: bool = doc("the level is `formal-notice`")
    title: str = doc("`Relance` / `Mise en demeure`…")
    date: Optional[str] = doc("the letter's date")
    date_value: datetime.date = doc("the date")
    place: Optional[str] = doc("the document's place")
    business: bool = doc("true when the client is a business")
    invoice: LetterInvoice = doc("the invoice concerned")
    has_interest: bool = doc("late interest is claimed")
    has_indemnity: bool = doc("the recovery indemnity is claimed")
    has_paid: bool = doc("part of the invoice was paid")
    deadline_days: int = doc("`8`")
    deadline: Optional[str] = doc("the date to pay by")
    resolutory: Optional[Resolutory] = doc("none, or the resolutory clause")
    previous_notice: Optional[str] = doc("the date of the last letter sent, or none")
    contract: str = doc("the contract's number")
    contract_date: Optional[str] = doc("the contract's date")
    contract_is_quote: bool = doc("true when the deal is an accepted quote")


@record
class LetterNames(Record):
    """The names a letter template adds."""
    letter: Letter = doc("the letter")
    body: Markup = doc("templates only: `{{p body }}`, the letter's text (a clause of the "
                       "library), alone in its paragraph")


# --- instalment agreement -------------------------------------------------------------------

@record
class AgreementInvoice(Record):
    """One invoice of the debt."""
    number: str = doc("`FA-2026-0131`")
    date: str = doc("`20 avril 2026`")
    amount: str = doc("money")
    amount_value: Decimal = doc("the amount")


@record
class Instalment(Record):
    """One instalment of `agreement.plan`."""
    number: int = doc("1, 2, …")
    date: str = doc("`15 juillet 2026`")
    amount: str = doc("money")
    date_value: datetime.date = doc("the date")
    amount_value: Decimal = doc("the amount")


@record
class Agreement(Record):
    """An instalment agreement's debt and plan (`templates/installment_agreement.docx`);
    `labels` are the collection labels."""
    invoices: tuple[AgreementInvoice, ...] = doc("the invoices of the debt")
    principal: str = doc("money")
    principal_value: Decimal = doc("the amount")
    interest: str = doc("money")
    interest_value: Decimal = doc("the amount")
    has_interest: bool = doc("the debt includes late interest")
    indemnity: str = doc("money")
    indemnity_value: Decimal = doc("the amount")
    has_indemnity: bool = doc("the debt includes the recovery indemnity")
    total: str = doc("money")
    total_value: Decimal = doc("the amount")
    total_words: str = doc("the total in words")
    plan: tuple[Instalment, ...] = doc("the instalments, in order")
    count: int = doc("how many instalments")
    plan_total: str = doc("money: the sum of the instalments")
    first: Optional[str] = doc("the first instalment's date")
    last: Optional[str] = doc("the last instalment's date")
    every: Optional[str] = doc("`month` … when the plan is periodic, else none")
    acceleration: bool = doc("true when a missed instalment makes the rest due")
    business: bool = doc("true when the debtor is a business")


@record
class AgreementNames(Record):
    """The names an instalment agreement's template adds."""
    agreement: Agreement = doc("the debt and the plan")


# the records of the names each document kind adds to CONTEXT_NAMES
KIND_RECORDS: dict[str, type] = {"invoice": InvoiceNames, "letter": LetterNames,
                                 "installment_agreement": AgreementNames}


def context_names(kind: str) -> frozenset[str]:
    """The top-level names a template for documents of ``kind`` may use."""
    extra = KIND_RECORDS.get(kind)
    return CONTEXT_NAMES | top_names(extra) if extra else CONTEXT_NAMES
