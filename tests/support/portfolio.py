"""Small generated deals for the tests of ``collect`` and ``receivables``: one contract,
one item, one tranche of 100 %, invoiced on a date, paid 30 days after (so due 30 days
after the invoice), with the payments, disputes and credit notes asked for.
"""
from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path
from typing import Iterable, Optional

PROVIDER = """provider:
  name: Atelier Dupont & Fils
  legal_form: SARL
  capital: 15000
  siren: "732829320"
  registry: RCS Paris
  trader: true
  vat_number: FR44732829320
  address: "12 rue des Lilas, 75011 Paris"
  email: contact@dupont.example
  iban: FR7630006000011234567890189
  bic: AGRIFRPP
  signatory: {name: Jeanne Dupont, title: Gérante}
"""

BUSINESS = """client:
  kind: business
  name: {name}
  legal_form: SAS
  siren: "552100554"
  registry: RCS Lyon
  trader: true
  address: "3 place du Marché, 69002 Lyon"
  email: {email}
  signatory: {{name: Paul Martin, title: Président}}
"""

CONSUMER = """client:
  kind: consumer
  name: {name}
  address: "8 rue Victor Hugo, 69002 Lyon"
  email: {email}
"""


def ttc(price: Decimal) -> Decimal:
    """The one tranche's amount: the price with 20 % VAT (two decimals by construction)."""
    return (price * Decimal("1.2")).quantize(Decimal("0.01"))


def deal_yaml(n: int, invoice_date: datetime.date, price: Decimal, *, business=True,
              language="fr", email: Optional[str] = "default",
              payments: Iterable[tuple[datetime.date, Decimal]] = (),
              disputes: Iterable[datetime.date] = (),
              credit: Optional[datetime.date] = None,
              sent: Iterable[tuple[str, datetime.date]] = ()) -> str:
    number = f"FA-2026-{n:04d}"
    email = f"client{n}@example.org" if email == "default" else email
    party = (BUSINESS if business else CONSUMER).format(
        name=f"Client {n}", email=email or "null")
    lines = [f"    - {{invoice: {number}, date: {d.isoformat()}, amount: {a}}}"
             for d, a in payments]
    ledger = [f"    - {{tranche: 1, number: {number}, date: {invoice_date.isoformat()}}}"]
    text = f"""# deal {n}
document:
  type: contract
  number: CT-2026-{n:04d}
  date: 2026-01-05
  language: {language}
  place: Paris
  title: Contrat de prestation de services
  nature: services
{PROVIDER}
{party}
items:
  - {{description: Prestation de conseil, quantity: 1, unit: forfait, unit_price: {price},
     vat_rate: 20}}

payment:
  currency: EUR
  terms_days: 30
  methods: [bank_transfer]
  late_penalty_rate: legal_default
  recovery_indemnity: 40
  early_payment_discount: null
  schedule:
    - {{label: Solde, percent: 100, due: final_delivery}}

clauses: [billing, late_payment]

invoicing:
  invoices:
{chr(10).join(ledger)}
"""
    if lines:
        text += "  payments:\n" + "\n".join(lines) + "\n"
    if disputes:
        text += "  disputes:\n" + "\n".join(
            f"    - {{invoice: {number}, date: {d.isoformat()}, reason: Prestation "
            "contestée}" for d in disputes) + "\n"
    if credit:
        text += (f"  credit_notes:\n    - {{number: AV-2026-{n:04d}, date: "
                 f"{credit.isoformat()}, cancels: {number}, reason: Annulée}}\n")
    if sent:
        text += "  sent:\n" + "\n".join(
            f"    - {{invoice: {number}, level: {level}, date: {d.isoformat()}, "
            "channel: email}" for level, d in sent) + "\n"
    return text


def write_deal(folder: Path, n: int, *args, **kwargs) -> Path:
    path = Path(folder) / f"deal-{n:02d}.yaml"
    path.write_text(deal_yaml(n, *args, **kwargs), "utf-8")
    return path
