"""After the signature: the invoices of a deal, as French e-invoices (Factur-X).

``plan`` turns the contract's numbers and ``invoicing.invoices`` into :class:`Invoice`
records (pure, exact Decimals); ``checks`` reports what is wrong with the ledger;
``cii`` writes an invoice as Cross Industry Invoice XML (EN 16931); ``document`` renders
``templates/invoice.docx``; ``facturx`` embeds the XML into the PDF/A-3; ``pipeline``
composes them for ``contratgen invoice``.
"""
from .plan import ADVANCE, FINAL, Invoice, InvoiceLine, Preceding, TaxLine

__all__ = ["ADVANCE", "FINAL", "Invoice", "InvoiceLine", "Preceding", "TaxLine"]
