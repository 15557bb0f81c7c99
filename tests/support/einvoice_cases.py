"""The table of e-invoicing cases: each a client.yaml (a sample or fixture, changed as the
case says) and the document of its ledger to build, with what a reader computes by hand
from the file: the type code, the amount due (BT-115), the BT-8 code (CII) and whether
both parties are French businesses with a SIREN (BR-FR applies)."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal as D
from pathlib import Path
from typing import Callable, Optional

import yaml

ROOT = Path(__file__).resolve().parent.parent.parent
B2B = ROOT / "samples" / "contract-b2b-invoiced.yaml"
FIXTURES = ROOT / "tests" / "fixtures" / "invoicing"
ESCROW = {"holder": "Maître Anne Roux, notaire", "iban": "FR7630004000031234567890143",
          "bic": "BNPAFRPP", "tranches": [1]}


def _set(data: dict, path: str, value) -> None:
    *parents, last = path.split(".")
    for key in parents:
        data = data.setdefault(key, {})
    data[last] = value


@dataclass(frozen=True)
class Case:
    base: Path
    number: str                 # the invoice or credit note built
    type_code: str
    due: D                      # BT-115, by hand
    french: bool                # BR-FR applies
    due_code: Optional[str]     # BT-8 in CII (None: no standard VAT)
    changes: dict = field(default_factory=dict)
    edit: Optional[Callable[[dict], None]] = None

    def text(self) -> str:
        data = yaml.safe_load(self.base.read_text("utf-8"))
        for path, value in self.changes.items():
            _set(data, path, value)
        if self.edit:
            self.edit(data)
        return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def _credit(*notes):
    def edit(data):
        data["invoicing"]["credit_notes"] = list(notes)
    return edit


def _german(data):
    client = data["client"]
    client.update(name="Bäckerei Müller GmbH", vat_number="DE811907980",
                  address="Hauptstraße 5, 10115 Berlin", registry=None)
    client.pop("siren", None)
    client.pop("registry", None)
    data["vat"] = {"regime": "reverse_charge",
                   "ground": "art. 196 de la directive 2006/112/CE"}
    for item in data["items"]:
        item["vat_rate"] = 0


def _period(data):
    data["invoicing"]["invoices"][2]["supplied"] = {"from": "2026-03-02", "to": "2026-05-29"}


# the B2B sample: 4 029,00 HT, VAT 768,00 (20 %) + 10,40 (5,5 %), 4 807,40 TTC; tranches
# 30 / 40 / 30 % = 1 442,22 / 1 922,96 / 1 442,22
CASES = {
    "deposit": Case(B2B, "FA-2026-0107", "386", D("1442.22"), True, "72"),
    "intermediate advance": Case(B2B, "FA-2026-0131", "386", D("1922.96"), True, "72"),
    "final, mixed": Case(B2B, "FA-2026-0190", "380", D("1442.22"), True, "72"),
    "goods": Case(B2B, "FA-2026-0190", "380", D("1442.22"), True, "29",
                  {"document.nature": "goods"}),
    "services on debits": Case(B2B, "FA-2026-0107", "386", D("1442.22"), True, "5",
                               {"document.nature": "services",
                                "provider.vat_on_debits": True}),
    "order, billing and electronic addresses": Case(
        B2B, "FA-2026-0131", "386", D("1922.96"), True, "72",
        {"client.order_reference": "BC-2026-114",
         "client.billing_address": "Service comptable, 10 quai Perrache, 69002 Lyon",
         "client.electronic_address": "0225:552100554"}),
    "supply period": Case(B2B, "FA-2026-0190", "380", D("1442.22"), True, "72",
                          edit=_period),
    "escrow": Case(B2B, "FA-2026-0107", "386", D("1442.22"), True, "72",
                   {"payment.escrow": ESCROW}),
    "public purchaser": Case(B2B, "FA-2026-0107", "386", D("1442.22"), True, "72",
                             {"client.kind": "public", "payment.terms_days": 30,
                              "clauses": []}),
    "credit note of an advance": Case(
        B2B, "AV-2026-0003", "381", D("1922.96"), True, "72",
        edit=_credit({"number": "AV-2026-0003", "date": "2026-04-25",
                      "cancels": "FA-2026-0131", "reason": "Livraison partielle annulée"})),
    "partial credit note": Case(
        B2B, "AV-2026-0004", "381", D("120.00"), True, "72",
        edit=_credit({"number": "AV-2026-0004", "date": "2026-06-10",
                      "cancels": "FA-2026-0190", "reason": "Remise commerciale",
                      "amount": 120})),
    "credit note of the final invoice": Case(
        B2B, "AV-2026-0005", "381", D("1442.22"), True, "72",
        edit=_credit({"number": "AV-2026-0005", "date": "2026-06-10",
                      "cancels": "FA-2026-0190", "reason": "Facture erronée"})),
    # franchise: 5 × 400 + 120 = 2 120,00, no VAT; 30 % = 636,00, the balance 1 484,00
    "franchise deposit": Case(FIXTURES / "franchise.yaml", "CP-2026-001", "386",
                              D("636.00"), True, None),
    "franchise final": Case(FIXTURES / "franchise.yaml", "CP-2026-004", "380",
                            D("1484.00"), True, None),
    # reverse charge: 12,5 × 48,40 + 730,15 − 5 % = 605,00 + 693,64; tranches 400 / 500 /
    # 398,64
    "reverse charge": Case(FIXTURES / "reverse-charge.yaml", "FA-2026-0260", "380",
                           D("398.64"), True, None),
    "German buyer (no SIREN, out of BR-FR)": Case(
        FIXTURES / "reverse-charge.yaml", "FA-2026-0260", "380", D("398.64"), False, None,
        edit=_german),
    # B2C: 1 590,00 at 10 % (+159,00) and 1 250,00 at 20 % (+250,00) = 3 249,00 TTC;
    # arrhes 20 % = 649,80, the balance 2 599,20
    "B2C deposit (arrhes)": Case(FIXTURES / "quote-b2c-signed.yaml", "FA-2026-0301", "386",
                                 D("649.80"), False, "72"),
    "B2C final": Case(FIXTURES / "quote-b2c-signed.yaml", "FA-2026-0388", "380",
                      D("2599.20"), False, "72"),
}
