"""The e-invoicing mentions in words, for the DOCX and the XML notes alike: the supply
date or period, the purchase order, the billing address, the escrow holder paid instead
of the provider, the invoice a credit note cancels, the payment terms of a credit note.
"""
from __future__ import annotations

from typing import Any

from ..domain import formatting as fmt
from ..load.model import ClientFile
from .plan import Invoice
from .texts import Note, invoice_labels

def grouped(iban: str | None) -> str:
    """An IBAN in groups of four, as printed (as given when it is not a valid IBAN)."""
    from stdnum import iban as stdiban
    try:
        return stdiban.format(iban or "")
    except Exception:   # legal.escrow-payee / the XSD report a wrong one
        return iban or ""


PAYMENT_NOTE = "AAI"   # UNTDID 4451: general information (payment instructions)
REASON = "ACD"         # UNTDID 4451: reason (of a credit note)


def einvoice_context(client: ClientFile, invoice: Invoice, lang: str,
                     context: dict) -> dict[str, Any]:
    """What ``invoice_context`` adds for e-invoicing; ``extra_notes`` go to the notes."""
    words = invoice_labels(lang)
    supplied = invoice.supplied
    extra: list[Note] = []
    # printed with the other mentions (the template's notes), and carried in the XML
    # where they also have their own element (BT-72 / BG-14, BT-13, BG-8)
    if supplied is not None:
        extra.append(Note(PAYMENT_NOTE, words["supplied_period"].format(
            start=fmt.date(supplied.start, lang), end=fmt.date(supplied.end, lang))
            if supplied.period else
            f"{words['supplied_on']}{words['colon']} {fmt.date(supplied.start, lang)}"))
    if client.client.order_reference:
        extra.append(Note(PAYMENT_NOTE, f"{words['order_reference']}{words['colon']} "
                                        f"{client.client.order_reference}"))
    if client.client.billing_address:
        extra.append(Note(PAYMENT_NOTE, f"{words['billing_address']}{words['colon']} "
                                        f"{client.client.billing_address}"))
    payee_text = None
    if invoice.payee is not None:
        bic = f" · BIC {invoice.payee.bic}" if invoice.payee.bic else ""
        payee_text = words["escrow_payee"].format(holder=invoice.payee.name,
                                                  iban=grouped(invoice.payee.iban), bic=bic)
        extra.append(Note(PAYMENT_NOTE, payee_text))
    cancels_text = None
    terms = context["payment"]["terms"]
    if invoice.cancels is not None:
        cancels_text = words["cancels"].format(number=invoice.cancels.number,
                                               date=fmt.date(invoice.cancels.date, lang))
        extra.append(Note(REASON, f"{cancels_text} {invoice.reason or ''}".strip()))
        terms = words["credit_terms"]
        extra.append(Note(PAYMENT_NOTE, terms))
    return {
        "supplied": None if supplied is None else fmt.date(supplied.start, lang),
        "supplied_period": None if supplied is None or not supplied.period else
        words["supplied_period"].format(start=fmt.date(supplied.start, lang),
                                        end=fmt.date(supplied.end, lang)),
        "order_reference": client.client.order_reference,
        "billing_address": client.client.billing_address,
        "payee": payee_text,
        "cancels": cancels_text,
        "reason": invoice.reason,
        "terms_text": terms,
        "extra_notes": tuple(extra),
    }
