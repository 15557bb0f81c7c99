"""A validation failure as a located error: the rule's id and the client.yaml field the
failing business term (BT-…, BG-…) comes from, found in the rule's id or text."""
from __future__ import annotations

import re
from typing import Sequence

from ..diagnostics import Diagnostic
from ..load.source import Source
from .plan import Invoice
from .validation import Failure

CODE = "invoice.einvoice-invalid"
TERM = re.compile(r"(?<![A-Za-z0-9])(B[TG])-(\d+)(?!\d)")   # "BR-FR-21_BT-49" too

# business term → the client.yaml field it is written from (None: the invoice's entry)
FIELDS: dict[str, tuple] = {
    "BT-13": ("client", "order_reference"),
    "BT-27": ("provider", "name"), "BT-29": ("provider", "siren"),
    "BT-30": ("provider", "siren"), "BT-31": ("provider", "vat_number"),
    "BT-32": ("provider", "siren"), "BT-34": ("provider", "email"),
    "BG-5": ("provider", "address"), "BT-35": ("provider", "address"),
    "BT-37": ("provider", "address"), "BT-38": ("provider", "address"),
    "BT-40": ("provider", "vat_number"),
    "BT-44": ("client", "name"), "BT-46": ("client", "siren"),
    "BT-47": ("client", "siren"), "BT-48": ("client", "vat_number"),
    "BT-49": ("client", "electronic_address"),
    "BG-8": ("client", "address"), "BT-50": ("client", "address"),
    "BT-52": ("client", "address"), "BT-53": ("client", "address"),
    "BT-55": ("client", "vat_number"),
    "BT-59": ("payment", "escrow", "holder"), "BG-10": ("payment", "escrow", "holder"),
    "BT-84": ("provider", "iban"), "BT-86": ("provider", "bic"),
    "BG-13": ("client", "delivery_address"), "BG-15": ("client", "delivery_address"),
    "BT-120": ("vat", "ground"), "BT-121": ("vat", "ground"),
    "BT-153": ("items",), "BT-154": ("items",), "BT-129": ("items",),
    "BT-146": ("items",), "BT-151": ("items",), "BT-152": ("items",),
}
# the French mentions (BR-FR-05 / BR-FR-06), by the note's subject code in the rule id
NOTES = {"_PMT": ("payment", "recovery_indemnity"), "_PMD": ("payment", "late_penalty_rate"),
         "_AAB": ("payment", "early_payment_discount")}
ENTRY_KEYS = {"BT-72": "supplied", "BG-14": "supplied", "BT-73": "supplied",
              "BT-74": "supplied", "BT-1": "number", "BT-2": "date", "BT-25": "cancels",
              "BT-9": "date"}


def field_of(failure: Failure, invoice: Invoice) -> tuple:
    """The client.yaml path behind ``failure`` (the invoice's entry when no term is
    known): the first business term named in the rule's id, else in its text. A rule's
    text often names its context first ("a line (BG-25) whose VAT category (BT-151) is
    standard shall contain the seller's VAT identifier (BT-31)"): the items' terms are
    taken only when no other term is known."""
    for suffix, path in NOTES.items():
        if failure.rule.endswith(suffix):
            return path
    for text in (failure.rule, failure.text):
        terms = [f"{kind}-{digits}" for kind, digits in TERM.findall(text)]
        for term in sorted(terms, key=lambda t: FIELDS.get(t) == ("items",)):
            if term in FIELDS:
                return FIELDS[term]
            if term in ENTRY_KEYS:
                key = ENTRY_KEYS[term]
                if key == "cancels" and not invoice.credit_note:
                    key = "number"
                return invoice.where + (key,)
    return invoice.where + ("number",)


def located(failures: Sequence[Failure], invoice: Invoice, source: Source,
            syntax: str) -> list[Diagnostic]:
    """One error per failure, at the field behind it."""
    found = []
    for failure in failures:
        where = field_of(failure, invoice)
        field = ".".join(str(part) if isinstance(part, str) else f"[{part}]"
                         for part in where).replace(".[", "[")
        message = (f"the {syntax.upper()} e-invoice {invoice.number} breaks {failure.rule} "
                   f"({failure.check}) — check {field}: {failure.text.rstrip('.')}; nothing is "
                   "written")
        found.append(source.diagnostic(where, message, CODE))
    return found
