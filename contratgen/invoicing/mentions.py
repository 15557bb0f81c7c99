"""The e-invoicing mentions an invoice takes from client.yaml, whatever its syntax.

- the date of the sale or service (BT-72) or its period (BG-14): ``supplied``, else the
  date of the tranche's event (the signature's acceptance date, the end of performance),
  else the invoice's own date — an invoice is issued at the supply (C. com. L441-9);
- the payee (BG-10) of an escrowed tranche: the escrow holder and its account;
- the buyer's electronic address (BT-49): ``client.electronic_address`` ("scheme:id"),
  else scheme 0225 (the French directory) + SIREN, else its email;
- the VAT due-date code (BT-8) by operation: goods on delivery, services on receipt
  (payment) unless the provider opted for VAT on debits (CGI 269 2 a, c);
- the date from which the e-invoicing mentions are mandatory for this issuer
  (``provider.size``): 1 September 2026 for large and mid-size companies, 1 September
  2027 for SMEs and micro-businesses;
- whether the invoice is in the French e-invoicing scope (BR-FR): both parties French
  businesses with a SIREN.
"""
from __future__ import annotations

import dataclasses
import datetime
import re
from typing import Optional

from ..load.model import ClientFile, Party
from .plan import Invoice, Payee, Supply

FRENCH_DIRECTORY = "0225"   # ISO 6523 ICD of the French e-invoicing directory (annuaire)
MANDATORY = {"large": datetime.date(2026, 9, 1), "mid": datetime.date(2026, 9, 1),
             "sme": datetime.date(2027, 9, 1), "micro": datetime.date(2027, 9, 1)}

# BT-8, the VAT due-date code: (CII UNTDID 2475, UBL UNTDID 2005)
ON_INVOICE = ("5", "3")      # VAT on debits: the invoice's date
ON_DELIVERY = ("29", "35")   # goods: on delivery
ON_PAYMENT = ("72", "432")   # services: on receipt of payment


_POSTCODE_CITY = re.compile(r"^\s*(\d{5})\s+(.+?)\s*$")


def split_address(text: Optional[str]) -> tuple[list[str], Optional[str], Optional[str]]:
    """"12 rue des Lilas, 75011 Paris" → (up to three lines, postcode, city)."""
    parts = [p.strip() for p in (text or "").split(",") if p.strip()]
    postcode = city = None
    if parts:
        match = _POSTCODE_CITY.match(parts[-1])
        if match:
            postcode, city = match.groups()
            parts = parts[:-1]
    lines = [line for line in parts[:2] + [", ".join(parts[2:])] if line]
    return lines, postcode, city


def country(party: Party) -> str:
    """The ISO 3166 country: the VAT number's prefix when it has one, else France."""
    prefix = (party.vat_number or "")[:2].upper()
    if prefix.isalpha() and len(prefix) == 2:
        return {"EL": "GR"}.get(prefix, prefix)
    return "FR"


def siren(party: Party) -> Optional[str]:
    """The SIREN (9 digits), given or taken from the SIRET."""
    if party.siren:
        return party.siren.replace(" ", "")
    if party.siret:
        return party.siret.replace(" ", "")[:9]
    return None


def mandatory_from(client: ClientFile) -> datetime.date:
    return MANDATORY[client.provider.size]


def mentions_mandatory(client: ClientFile, day: datetime.date) -> bool:
    """Whether an invoice dated ``day`` must carry the 2026/2027 mentions."""
    return day >= mandatory_from(client)


def french_business(client: ClientFile) -> bool:
    """A French business buyer, to whom the client SIREN mention applies."""
    return client.client.kind != "consumer" and country(client.client) == "FR"


def in_french_scope(client: ClientFile) -> bool:
    """Both parties French businesses (or public bodies) with a SIREN: the invoice is
    exchanged through the plateformes agréées and must pass BR-FR."""
    return (client.client.kind != "consumer" and country(client.client) == "FR"
            and country(client.provider) == "FR"
            and siren(client.provider) is not None and siren(client.client) is not None)


def electronic_address(party: Party, given: Optional[str] = None
                       ) -> Optional[tuple[str, str]]:
    """(id, scheme) where the party receives e-invoices (BT-34 / BT-49)."""
    if given:
        scheme, _, ident = given.partition(":")
        return (ident.strip(), scheme.strip()) if ident else (scheme.strip(), "EM")
    number = siren(party)
    if number and country(party) == "FR":
        return number, FRENCH_DIRECTORY
    if party.email:
        return party.email, "EM"
    return None


def buyer_address(client: ClientFile) -> Optional[tuple[str, str]]:
    return electronic_address(client.client, client.client.electronic_address)


def due_code(client: ClientFile) -> tuple[str, str]:
    """BT-8 (CII code, UBL code) by the operation: the VAT on goods is due on delivery
    (CGI 269 2 a); on services at the receipt of payment (269 2 c), or on the invoice's
    date when the provider opted for debits. A mixed operation follows its services (the
    e-invoice carries one code; legal.vat-due-code notes it)."""
    if client.document.nature == "goods":
        return ON_DELIVERY
    return ON_INVOICE if client.provider.vat_on_debits else ON_PAYMENT


def event_date(client: ClientFile, due) -> Optional[datetime.date]:
    """The date of a tranche's event, when client.yaml knows it."""
    event = getattr(due, "days_after", due)
    if isinstance(event, datetime.date):
        return None
    document = client.document
    if event in ("signature", "order") and document.accepted is not None:
        return document.accepted.date
    performance = document.performance
    if event in ("partial_delivery", "final_delivery") and performance is not None:
        end = performance.end
        if isinstance(end, datetime.date):
            return end
    return None


def supply(client: ClientFile, invoice: Invoice) -> Supply:
    """BT-72 / BG-14 of an invoice of the ledger."""
    entries = client.invoicing.invoices if client.invoicing else []
    given = entries[invoice.entry_index].supplied if invoice.ledger == "invoices" and \
        invoice.entry_index < len(entries) else None
    if isinstance(given, datetime.date):
        return Supply(given, given)
    if given is not None:
        return Supply(given.start, given.end)
    due = getattr(invoice.tranche, "due", None)   # a progress invoice may have no tranche
    day = event_date(client, due) if due is not None else None
    if day is None or day > invoice.date:
        day = invoice.date
    return Supply(day, day)


def payee(client: ClientFile, invoice: Invoice) -> Optional[Payee]:
    escrow = client.payment.escrow
    if escrow is None or getattr(invoice.tranche, "number", None) not in escrow.tranches:
        return None
    return Payee(escrow.holder, escrow.iban.replace(" ", "") if escrow.iban else None,
                 escrow.bic)


def with_mentions(client: ClientFile, invoice: Invoice) -> Invoice:
    """The invoice with its supply date and its payee, from client.yaml."""
    if invoice.credit_note:
        return invoice
    return dataclasses.replace(invoice, supplied=supply(client, invoice),
                               payee=payee(client, invoice))
