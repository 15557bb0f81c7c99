"""After the signature: the invoices and credit notes of a deal, as French e-invoices.

``plan`` turns the contract's numbers and ``invoicing.invoices`` into :class:`Invoice`
records (pure, exact Decimals) — the one model every syntax is written from; ``credit``
adds the credit notes (381); ``mentions`` the supply date, payee, electronic address and
VAT due-date code from client.yaml; ``checks`` reports what is wrong with the ledger;
``cii`` (CII, also Factur-X's) and ``ubl`` write the XML; ``validation`` runs the
vendored XSD, EN 16931 and FNFE BR-FR artefacts and ``locate`` turns a failure into a
located error; ``document`` renders ``templates/invoice.docx`` (``epc_qr``: the payment
QR code); ``facturx`` embeds the XML into the PDF/A-3; ``pipeline`` composes them for
``contratgen invoice``.
"""
from .plan import ADVANCE, CREDIT_NOTE, FINAL, Invoice, InvoiceLine, Payee, Preceding, Supply, \
    TaxLine

__all__ = ["ADVANCE", "CREDIT_NOTE", "FINAL", "Invoice", "InvoiceLine", "Payee", "Preceding",
           "Supply", "TaxLine"]
