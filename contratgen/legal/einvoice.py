"""The e-invoicing rules of LEGAL_FR.md Version 3: what an invoice (and the e-invoice a
plateforme agréée receives) says of the supply, the order, the VAT due date and the
payee. The XML itself is checked against the official schematrons when it is written
(contratgen/invoicing/validation.py); these rules report, at ``check`` time, what
client.yaml must give for it.
"""
from __future__ import annotations

import datetime

from .engine import ERROR, NOTE, WARNING, Finder, Level, rule

PRINTED = Level.PRINTED


def _entries(doc: Finder):
    ledger = doc.client.invoicing
    return list(ledger.invoices) if ledger else []


@rule("legal.invoice-supply-date", ERROR, "all", "C. com. L441-9 I; CGI 242 nonies A 7°",
      "the date of the sale or service (or the period) is on the invoice and in the "
      "e-invoice (BT-72 / BG-14); an invoice other than an advance is not dated before it")
def invoice_supply_date(doc: Finder):
    tranches = len(doc.prepared.computed.tranches)
    for i, entry in enumerate(_entries(doc)):
        supplied = entry.supplied
        if supplied is None or entry.tranche is None or entry.tranche < tranches:
            continue   # advances precede the supply; a missing date is the event's
        start = supplied if isinstance(supplied, datetime.date) else supplied.start
        if start > entry.date:
            yield doc.at(("invoicing", "invoices", i, "supplied"),
                         f"invoice {entry.number} is dated {entry.date.isoformat()}, before "
                         f"the supply it invoices ({start.isoformat()}): an invoice is "
                         "issued at the sale or service, an earlier one is an advance "
                         "invoice")


@rule("legal.order-reference", PRINTED, "all", "C. com. L441-9",
      "the buyer's purchase-order number when one was issued (BT-13); the billing address "
      "when it differs from the address")
def order_reference(doc: Finder):
    client = doc.client.client
    if not _entries(doc):
        return
    if client.order_reference is not None and not client.order_reference.strip():
        yield doc.at_field(("client", "order_reference"),
                           "the purchase-order number is empty: remove the field or give it")
    if client.kind == "public" and not client.order_reference:
        yield doc.at_field(("client", "order_reference"),
                           "a public purchaser's invoices go through Chorus Pro, which "
                           "refuses one without the engagement number (BT-13) when the "
                           "purchaser issued one: give client.order_reference", WARNING)
    if client.billing_address and client.billing_address.strip() == (client.address or
                                                                      "").strip():
        yield doc.at(("client", "billing_address"), "the billing address is the address: "
                     "give billing_address only when it differs", NOTE)


@rule("legal.vat-due-code", ERROR, "all", "CGI 269 2 a, c; French e-invoicing external "
      "specifications (BT-8)",
      "the VAT due-date code (BT-8) follows the operation: goods on delivery, services on "
      "receipt unless the provider opted for debits")
def vat_due_code(doc: Finder):
    client = doc.client
    if not _entries(doc) or client.provider.vat == "franchise" or client.vat is not None:
        return
    if client.document.nature == "mixed" and not client.provider.vat_on_debits:
        yield doc.at(("document", "nature"), "a mixed operation: the e-invoice's VAT due "
                     "date (BT-8) is the receipt of payment (its services); the VAT on its "
                     "goods is due on delivery (CGI 269 2 a) — invoice goods and services "
                     "separately if they are not paid together", NOTE)


@rule("legal.escrow-payee", ERROR, "all", "C. civ. 1955-1963 (séquestre conventionnel)",
      "the invoice of an escrowed tranche names the escrow holder as the payee with its "
      "account (BG-10, BG-16)")
def escrow_payee(doc: Finder):
    escrow = doc.client.payment.escrow
    if escrow is None:
        return
    count = len(doc.prepared.computed.tranches)
    for k, number in enumerate(escrow.tranches):
        if number > count:
            yield doc.at(("payment", "escrow", "tranches", k),
                         f"tranche {number} does not exist: the schedule has {count}")
    invoiced = {e.tranche for e in _entries(doc)}
    if invoiced & set(escrow.tranches) and not escrow.iban:
        yield doc.at_field(("payment", "escrow", "iban"),
                           f"an invoice of an escrowed tranche is paid to {escrow.holder}: "
                           "give the escrow account's IBAN (payment.escrow.iban)")
