"""legal.ledger-dates: the ledger's dates in the order the law gives them. An invoice is
issued at the sale or the service (C. com. L441-9), so never before the document it
invoices or the client's acceptance of it; what follows an invoice — a payment, a formal
notice, a dispute, a credit note, a judgment — is never dated before that invoice."""
from __future__ import annotations

from .engine import ERROR, Finder, rule

# the ledger's lists that follow an invoice, with the field naming it
FOLLOWERS = (("payments", "invoice", "payment"), ("notices", "invoice", "formal notice"),
             ("disputes", "invoice", "dispute"), ("credit_notes", "cancels", "credit note"),
             ("judgments", "invoice", "judgment"))


@rule("legal.ledger-dates", ERROR, "all", "C. com. L441-9",
      "an invoice is not dated before the document or its acceptance; a payment, notice, "
      "dispute, credit note or judgment not before its invoice")
def ledger_dates(doc: Finder):
    ledger, document = doc.client.invoicing, doc.client.document
    if ledger is None:
        return
    earliest, what = document.date, f"the {document.type} it invoices"
    if document.accepted is not None and document.accepted.date > earliest:
        earliest, what = document.accepted.date, "the client's acceptance"
    dated = {}
    for i, entry in enumerate(ledger.invoices):
        dated.setdefault(entry.number, entry.date)
        if entry.date < earliest:
            yield doc.at(("invoicing", "invoices", i, "date"),
                         f"invoice {entry.number} is dated {entry.date.isoformat()}, before "
                         f"{what} ({earliest.isoformat()}): an invoice is issued at the "
                         "sale or the service it bills")
    for name, field, noun in FOLLOWERS:
        for i, entry in enumerate(getattr(ledger, name)):
            invoiced = dated.get(getattr(entry, field))
            if invoiced is not None and entry.date < invoiced:
                yield doc.at(("invoicing", name, i, "date"),
                             f"{noun} of {entry.date.isoformat()} is dated before invoice "
                             f"{getattr(entry, field)} ({invoiced.isoformat()}) it refers to")
