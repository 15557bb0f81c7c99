"""Which lifecycle statuses a ledger gives, and with which amounts.

- 212 *Encaissée*, one per payment, when VAT on the invoice is due on receipt: services
  (CGI 269 2 c) at a standard VAT rate, the provider not having opted for debits, VAT not
  reverse-charged nor under the franchise. For goods VAT is due on delivery and the
  platform needs no payment status. The amount received is split over the invoice's VAT
  rates in proportion to its amount TTC at each rate, exact to the cent
  (:func:`contratgen.domain.money.split`).
- 207 *En litige*, one per dispute, with its reason code.

Only invoices in the e-invoicing scope (both parties French businesses with a SIREN) have
lifecycle messages: a consumer's payments go to e-reporting (``contratgen ereport``).
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Optional, Sequence

from ..domain.money import split
from ..legal.scope import in_french_scope
from ..load.model import ClientFile
from .cdar import Party, Status

RECEIPT_NATURES = ("services", "mixed")


@dataclass(frozen=True)
class InvoiceFacts:
    """What a status needs of an issued invoice."""
    number: str
    date: datetime.date
    type_code: str
    rates: tuple[tuple[Decimal, Decimal], ...]    # (VAT rate, amount TTC at it)


def vat_on_receipt(client: ClientFile) -> bool:
    """Whether the VAT of the deal's invoices is due when the price is received."""
    provider = client.provider
    regime = client.vat.regime if client.vat is not None else "standard"
    return (client.document.nature in RECEIPT_NATURES and not provider.vat_on_debits
            and provider.vat == "standard" and regime == "standard")


def in_scope(client: ClientFile) -> bool:
    """Both parties French businesses with a SIREN: the e-invoicing scope."""
    return in_french_scope(client)


def electronic_address(client: ClientFile) -> tuple[str, str]:
    """The buyer's electronic address (BT-49) as (scheme, id): ``client.electronic_address``
    ("scheme:id"), else the French default, scheme 0225 with the SIREN."""
    written = client.client.electronic_address
    if written and ":" in written:
        scheme, _, identifier = written.partition(":")
        return scheme, identifier
    return "0225", written or client.client.siren


def _parties(client: ClientFile) -> tuple[Party, Party]:
    return (Party(client.provider.name, client.provider.siren, "SE"),
            Party(client.client.name, client.client.siren, "BY", electronic_address(client)))


def _received(amount: Decimal, invoice: InvoiceFacts) -> tuple[tuple[Decimal, Decimal], ...]:
    shares = split(amount, [ttc for _, ttc in invoice.rates])
    return tuple((share, rate) for share, (rate, _) in zip(shares, invoice.rates) if share)


def statuses(client: ClientFile, invoices: Sequence[InvoiceFacts],
             number: Optional[str] = None) -> list[Status]:
    """Every status of the ledger (only those of invoice ``number`` when given), in the
    order of the ledger: payments, then disputes, numbered per invoice."""
    if client.invoicing is None or not in_scope(client):
        return []
    by_number = {i.number: i for i in invoices}
    seller, buyer = _parties(client)
    found: list[Status] = []
    counts: dict[tuple, int] = {}

    def add(invoice: InvoiceFacts, code: str, date, **fields) -> None:
        # numbered per (invoice, status, day): a later entry never renames an earlier one
        key = (invoice.number, code, date)
        counts[key] = counts.get(key, 0) + 1
        found.append(Status(code=code, invoice=invoice.number, invoice_date=invoice.date,
                            invoice_type=invoice.type_code, date=date,
                            sequence=counts[key], seller=seller, buyer=buyer, **fields))

    if vat_on_receipt(client):
        for payment in client.invoicing.payments:
            invoice = by_number.get(payment.invoice)
            if invoice is not None and number in (None, invoice.number):
                add(invoice, "212", payment.date, amounts=_received(payment.amount, invoice))
    for dispute in client.invoicing.disputes:
        invoice = by_number.get(dispute.invoice)
        if invoice is not None and number in (None, invoice.number):
            add(invoice, "207", dispute.date, reason=(dispute.code, dispute.reason))
    return found
