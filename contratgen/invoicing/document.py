"""An invoice's content: the template context (``templates/invoice.docx``), the DOCX, and
the CII XML — both from the same context, so the PDF and the XML say the same thing.
"""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from ..domain import formatting as fmt
from ..render import docx as render
from ..document import Options
from ..document import Prepared
from ..render.context import build_context
from ..diagnostics import UserError
from ..render.template_lint import template_problems
from .cii import account, invoice_xml
from .epc_qr import SLOT, payload, png, with_image
from .plan import Invoice, InvoiceLine, TaxLine
from .texts import Note, bank_text, deductions_text, invoice_labels, notes
from .einvoice_texts import einvoice_context

TEMPLATE = "invoice.docx"


def template_path(options: Options = Options()) -> Path:
    return Path(options.templates_dir or render.SHIPPED_TEMPLATES) / TEMPLATE


def _tax(t: TaxLine, lang: str) -> dict[str, Any]:
    money = lambda v: fmt.money(v, lang)  # noqa: E731
    return {"rate": fmt.percent(t.rate, lang), "base": money(t.base), "amount": money(t.amount),
            "total": money(t.total), "category": t.category.code, "rate_value": t.rate,
            "base_value": t.base, "amount_value": t.amount}


def _line(line: InvoiceLine, lang: str) -> dict[str, Any]:
    return {"number": line.number, "description": line.description,
            "quantity": fmt.number(line.quantity, lang), "unit": line.unit,
            "unit_price": fmt.unit_money(line.unit_price, lang),
            "vat_rate": fmt.percent(line.rate, lang),
            "discount": fmt.percent(line.discount, lang) if line.discount else None,
            "total_ht": fmt.money(line.net, lang), "total_ht_value": line.net}


def invoice_context(prepared: Prepared, invoice: Invoice) -> dict[str, Any]:
    """What the invoice template sees: the contract's context (parties, payment terms…)
    with ``invoice`` (its numbers, lines, VAT, deductions, mentions) and the invoice labels."""
    client, lang = prepared.client, prepared.lang
    context = build_context(client, prepared.computed, prepared.rates)
    words = invoice_labels(lang)
    money = lambda v: fmt.money(v, lang)  # noqa: E731
    due = fmt.date(invoice.due_date, lang)
    category = invoice.taxes[0].category if invoice.taxes else None
    extra = einvoice_context(client, invoice, lang, context)
    retention = client.payment.retention
    mentions = notes(context, category, client.provider.vat_on_debits,
                     None if invoice.credit_note else due,
                     deductions_text(invoice, lang, retention.percent if retention else None),
                     client.provider.insurance) + \
        extra.pop("extra_notes")
    if invoice.credit_note:
        context["labels"] = {**words, "due_amount": words["credit_due"]}
    elif invoice.situation is not None:
        context["labels"] = {**words, "due_amount": words["situation_due"]}
    else:
        context["labels"] = words
    context["invoice"] = {
        "number": invoice.number, "type_code": invoice.type_code,
        "is_advance": invoice.advance,
        "is_final": not invoice.advance and not invoice.credit_note,
        "is_credit_note": invoice.credit_note,
        "title": words["title_situation"].format(number=invoice.situation)
        if invoice.situation is not None else
        words["title_credit" if invoice.credit_note else
              "title_advance" if invoice.advance else "title_final"],
        "date": fmt.date(invoice.date, lang), "date_value": invoice.date,
        "due_date": due, "due_date_value": invoice.due_date,
        "contract": client.document.number,
        "nature": words[f"nature_{client.document.nature}"],
        "delivery_address": client.client.delivery_address,
        "tranche": {"number": invoice.tranche.number, "label": invoice.tranche.label,
                    "percent": fmt.percent(invoice.tranche.percent, lang),
                    "amount": money(invoice.tranche.amount)},
        "lines": [_line(line, lang) for line in invoice.lines],
        "taxes": [_tax(t, lang) for t in invoice.taxes],
        "with_vat": bool(category and category.code == "S"),
        "vat_mention": category.reason if category else None,
        "total_ht": money(invoice.total_ht), "total_vat": money(invoice.total_vat),
        "total_ttc": money(invoice.total_ttc), "total_ttc_value": invoice.total_ttc,
        "prepaid": money(invoice.prepaid), "prepaid_value": invoice.prepaid,
        "due_amount": money(invoice.due_amount), "due_amount_value": invoice.due_amount,
        # a situation references the earlier ones (BG-3) without deducting them: its
        # statement is in the notes
        "preceding": [] if invoice.situation is not None else [
            {"number": p.number, "date": fmt.date(p.date, lang), "total": money(p.total),
             "vat": money(sum((t.amount for t in p.taxes), Decimal("0.00")))}
            for p in invoice.preceding],
        "vat_invoiced": [_tax(t, lang) for t in invoice.vat_invoiced],
        "vat_remaining": [_tax(t, lang) for t in invoice.vat_remaining],
        "notes": [{"code": n.code, "text": n.text} for n in mentions],
        "bank": None if invoice.credit_note or invoice.payee else bank_text(context),
        "qr": SLOT if transfer(client, invoice) else None,
        **extra,
    }
    return context


def xml_for(prepared: Prepared, invoice: Invoice, context: dict | None = None,
            syntax: str = "cii") -> bytes:
    """The XML of one invoice (CII, also Factur-X's; or UBL), with the same mentions as
    its DOCX."""
    context = context or invoice_context(prepared, invoice)
    mentions = [Note(n["code"], n["text"]) for n in context["invoice"]["notes"]]
    terms = context["invoice"]["terms_text"]
    # a standalone XML carries the insurance certificate as a supporting document (BG-24);
    # a Factur-X PDF attaches it to the PDF (facturx.py)
    supporting = () if syntax not in ("cii", "ubl") or invoice.credit_note else \
        tuple(x for x in (certificate_file(prepared),) if x)
    if syntax == "ubl":
        from .ubl import invoice_ubl
        return invoice_ubl(prepared.client, invoice, mentions, terms, supporting)
    return invoice_xml(prepared.client, invoice, mentions, terms, supporting)


def certificate_file(prepared: Prepared) -> tuple[str, str, bytes] | None:
    """(file name, title, bytes) of the insurance certificate a building trade joins to its
    invoices (C. assur. L243-2): the annex guard's inert copy; None without one."""
    from ..domain.annexed import CERTIFICATE, annexed
    from ..pdf.annex_guard import clean_annex
    for annex, path in zip(annexed(prepared.client), prepared.annexes):
        if annex.where == CERTIFICATE:
            return path.name, annex.title, clean_annex(path)[0]
    return None


def render_invoice(prepared: Prepared, invoice: Invoice,
                   options: Options = Options()) -> bytes:
    """The DOCX bytes of one invoice, through the same renderer as contracts."""
    context = invoice_context(prepared, invoice)
    template = render.prepare_template(template_path(options))
    problems = [d for d in template_problems(template, "invoice") if d.is_error]
    if problems:
        raise UserError(problems)
    title = context["invoice"]["title"]
    props = render.DocProperties(
        title=f"{title} {invoice.number}", author=prepared.client.provider.name,
        subject=f"{title} {invoice.number} – {prepared.client.client.name}",
        keywords=f"invoice {invoice.type_code} {prepared.client.document.number}",
        language=prepared.lang, created=invoice.date,
        custom=render.provenance_properties(provenance(prepared, invoice)))
    docx = render.render_docx(template, context, props)
    paid_to = transfer(client=prepared.client, invoice=invoice)
    if paid_to is None:
        return with_image(docx, None, "")
    text = payload(paid_to, invoice.due_amount, invoice.number)
    return with_image(docx, png(text) if text else None,
                      f"EPC QR: {paid_to.name}, {invoice.due_amount:.2f} EUR, {invoice.number}")


def transfer(client, invoice: Invoice):
    """Who an invoice payable by SEPA transfer is paid to (its EPC QR code), or None."""
    if invoice.credit_note or invoice.due_amount <= 0 or \
            "bank_transfer" not in client.payment.methods:
        return None
    return account(client, invoice)


def provenance(prepared: Prepared, invoice: Invoice) -> dict[str, Any]:
    """The contract's provenance, with the invoice's number, type and date."""
    base = prepared.provenance()
    return {**base, "document": invoice.number, "type": f"invoice-{invoice.type_code}",
            "date": invoice.date.isoformat(), "contract": prepared.client.document.number}
