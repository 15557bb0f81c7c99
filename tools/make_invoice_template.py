#!/usr/bin/env python3
"""Build templates/invoice.docx, the layout of tranche invoices (contratgen invoice).

**An example, not the source.** The committed ``templates/*.docx`` are the templates:
they are edited in Word or LibreOffice and checked by ``contratgen lint --templates
templates`` (tests/test_templates_are_word_files.py), never compared with this script's
output. Running it overwrites any edit made in Word since; it is kept to show how such a
template can be made with python-docx (styles, a signature table with its bookmarks).

It reuses the styles, page, header and table helpers of tools/make_templates.py, so an
invoice looks like the contract it follows. The .docx is the source afterwards: edit it
in Word or LibreOffice; this script is how it was first made.

    python tools/make_invoice_template.py            # writes templates/invoice.docx
    python tools/make_invoice_template.py --check    # whether the file is still this output

Every fixed word is a ``labels.<key>`` of contratgen/data/labels.yaml or
contratgen/data/invoice_labels.yaml; the context is documented in docs/INVOICING.md.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml
from docx import Document
from docx.oxml.ns import qn

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_templates as mt  # noqa: E402  (the contract templates' helpers)

ROOT = mt.ROOT
TARGET = ROOT / "templates" / "invoice.docx"
INVOICE_LABELS = ROOT / "contratgen" / "data" / "invoice_labels.yaml"
RIGHT = mt.RIGHT


def build_title(doc) -> None:
    mt.para(doc, "{{ invoice.title }}", style="Title")
    mt.para(doc, ("{{ labels.invoice_number }} {{ invoice.number }}", {"bold": True}), "     ",
            "{{ labels.invoice_date }}{{ labels.colon }} {{ invoice.date }}", style="DocMeta")
    mt.para(doc, "{{ labels.contract_ref }} {{ invoice.contract }}     "
                 "{{ labels.due_date }}{{ labels.colon }} {{ invoice.due_date }}",
            style="DocMeta")


def build_parties(doc) -> None:
    mt.para(doc, "", style="Tiny", after=6)
    table = mt.make_table(doc, rows=1, widths_cm=[8.1, 0.8, 8.1],
                          margins_cm=(0.15, 0.25, 0.15, 0.25))
    row = table.rows[0]
    mt.row_props(row)
    box = {side: ("single", 4, mt.RULE) for side in ("top", "left", "bottom", "right")}
    for idx, (who, label) in ((0, ("provider", "provider_heading")), (2, ("client", "bill_to"))):
        cell = row.cells[idx]
        mt.cell_borders(cell, box)
        mt.party_cell(cell, who, label)
    cell = row.cells[2]
    mt.tag_para(cell, "{%p if invoice.delivery_address %}", style="PartyText")
    mt.para(cell, "{{ labels.delivery_address }}{{ labels.colon }} "
                  "{{ invoice.delivery_address }}", style="PartyText", before=3)
    mt.tag_para(cell, "{%p endif %}", style="PartyText")
    mt.para(row.cells[1], "", style="TableText")
    mt.para(doc, ("{{ labels.nature }}{{ labels.colon }} ", {"bold": True}),
            "{{ invoice.nature }}", style="Field", before=8)


def build_lines(doc) -> None:
    mt.para(doc, "{{ labels.items_heading }}", style="Heading1")
    widths = [5.2, 1.2, 2.0, 2.4, 1.4, 1.9, 2.9]
    headers = ["{{ labels.description }}", "{{ labels.quantity }}", "{{ labels.unit }}",
               "{{ labels.unit_price }}", "{{ labels.vat_rate }}", "{{ labels.discount }}",
               "{{ labels.total_ht }}"]
    aligns = [None, RIGHT, None, RIGHT, RIGHT, RIGHT, RIGHT]
    cells = ["{{ line.description }}", "{{ line.quantity }}",
             "{% if line.unit %}{{ line.unit }}{% endif %}", "{{ line.unit_price }}",
             "{{ line.vat_rate }}", "{% if line.discount %}{{ line.discount }}{% endif %}",
             "{{ line.total_ht }}"]
    mt.loop_table(doc, widths, headers, aligns, cells, "{%tr for line in invoice.lines %}")


def vat_table(container, rows_tag: str) -> None:
    table = mt.make_table(container, rows=4, widths_cm=[2.4, 2.9, 2.9], align="left",
                          borders=mt.LINE_TABLE_BORDERS)
    head, start, data, end = table.rows
    mt.row_props(head, header=True)
    for i, text in enumerate(["{{ labels.vat_rate_col }}", "{{ labels.vat_base }}",
                              "{{ labels.vat_amount }}"]):
        mt.cell_fill(head.cells[i], mt.HEAD_FILL)
        mt.para(head.cells[i], text, style="TableHeading", align=RIGHT if i else None)
    mt.para(start.cells[0], "{%%tr for line in %s %%}" % rows_tag, style="TableText")
    mt.row_props(data)
    for i, text in enumerate(["{{ line.rate }}", "{{ line.base }}", "{{ line.amount }}"]):
        mt.para(data.cells[i], text, style="TableText", align=RIGHT if i else None)
    mt.para(end.cells[0], "{%tr endfor %}", style="TableText")


def totals_table(container) -> None:
    rows = [("{{ labels.total_ht }}", "{{ invoice.total_ht }}", False),
            ("{{ labels.total_vat }}", "{{ invoice.total_vat }}", False),
            ("{% if invoice.with_vat %}{{ labels.total_ttc }}{% else %}"
             "{{ labels.total_no_vat }}{% endif %}", "{{ invoice.total_ttc }}", True)]
    table = mt.make_table(container, rows=len(rows), widths_cm=[4.3, 3.2], align="right",
                          borders=mt.LINE_TABLE_BORDERS, margins_cm=(0.08, 0.15, 0.08, 0.15))
    for r, (label, value, strong) in zip(table.rows, rows):
        mt.row_props(r)
        size = 10.5 if strong else 9.5
        mt.para(r.cells[0], (label, {"bold": strong, "size": size}), style="TableText")
        mt.para(r.cells[1], (value, {"bold": strong, "size": size}), style="TableText",
                align=RIGHT)


def build_totals(doc) -> None:
    mt.para(doc, "", style="Tiny", after=8)
    outer = mt.make_table(doc, rows=1, widths_cm=[9.0, 8.0], margins_cm=(0, 0, 0, 0))
    row = outer.rows[0]
    mt.row_props(row)
    left, right = row.cells
    vat_table(left, "invoice.taxes")
    mt.nested_cell_cleanup(left)
    totals_table(right)
    mt.nested_cell_cleanup(right)
    mt.tag_para(doc, "{%p if invoice.vat_mention %}", style="Field")
    mt.para(doc, ("{{ invoice.vat_mention }}", {"bold": True}), style="Field", before=6)
    mt.tag_para(doc, "{%p endif %}", style="Field")


def build_deductions(doc) -> None:
    """The final invoice: the advance invoices deducted, the VAT already invoiced on them
    and the VAT still due; then, on every invoice, the amount to pay."""
    mt.tag_para(doc, "{%p if invoice.preceding %}")
    mt.para(doc, "{{ labels.preceding_heading }}", style="Heading1")
    widths = [4.5, 4.5, 4.0, 4.0]
    headers = ["{{ labels.preceding_number }}", "{{ labels.preceding_date }}",
               "{{ labels.preceding_total }}", "{{ labels.preceding_vat }}"]
    cells = ["{{ p.number }}", "{{ p.date }}", "{{ p.total }}", "{{ p.vat }}"]
    mt.loop_table(doc, widths, headers, [None, None, RIGHT, RIGHT], cells,
                  "{%tr for p in invoice.preceding %}")
    mt.para(doc, ("{{ labels.vat_invoiced }}", {"bold": True}), style="Field", before=8)
    vat_table(doc, "invoice.vat_invoiced")
    mt.para(doc, ("{{ labels.vat_remaining }}", {"bold": True}), style="Field", before=8)
    vat_table(doc, "invoice.vat_remaining")
    mt.para(doc, ("{{ labels.prepaid }}{{ labels.colon }} ", {"bold": True}),
            "{{ invoice.prepaid }}", style="Field", before=8)
    mt.tag_para(doc, "{%p endif %}")
    due = mt.para(doc, ("{{ labels.due_amount }}{{ labels.colon }} {{ invoice.due_amount }}",
                        {"bold": True, "size": 12, "color": mt.ACCENT}), style="Field",
                  before=10)
    due.alignment = RIGHT


def build_mentions(doc) -> None:
    mt.para(doc, "{{ labels.mentions_heading }}", style="Heading1")
    mt.tag_para(doc, "{%p for note in invoice.notes %}", style="Field")
    mt.para(doc, "{{ note.text }}", style="Field")
    mt.tag_para(doc, "{%p endfor %}", style="Field")
    mt.tag_para(doc, "{%p if invoice.bank %}", style="Field")
    mt.para(doc, ("{{ invoice.bank }}", {"bold": True}), style="Field")
    mt.tag_para(doc, "{%p endif %}", style="Field")
    mt.para(doc, "", style="Tiny")


def invoice_footer(doc) -> None:
    """The contract's footer, with the invoice's number instead of the contract's."""
    for p in doc.sections[0].footer.paragraphs:
        for run in p.runs:
            run.text = run.text.replace("{{ document.number }}", "{{ invoice.number }}")


def build() -> bytes:
    mt._USED_CELLS.clear()
    doc = Document()
    mt.strip_package(doc)
    body = doc.element.body
    for p in list(body.findall(qn("w:p"))):
        body.remove(p)
    mt.setup_styles(doc)
    mt.setup_bullets(doc)
    mt.setup_page(doc)
    mt.set_properties(doc, "invoice")
    mt.build_header_footer(doc)
    invoice_footer(doc)
    build_title(doc)
    build_parties(doc)
    build_lines(doc)
    build_totals(doc)
    build_deductions(doc)
    build_mentions(doc)
    mt.prune_styles(doc)
    return mt.reproducible_bytes(doc)


def missing_labels(data: bytes) -> list[str]:
    """Labels the template uses that neither labels file defines, per language."""
    used = mt.used_labels(data)
    contract = yaml.safe_load(mt.LABELS_FILE.read_text(encoding="utf-8"))
    invoice = yaml.safe_load(INVOICE_LABELS.read_text(encoding="utf-8"))
    problems = []
    for lang in ("fr", "en"):
        missing = sorted(used - set(contract[lang]) - set(invoice[lang]))
        if missing:
            problems.append(f"{lang}: missing labels {', '.join(missing)}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="do not write; exit 1 if templates/invoice.docx differs")
    args = parser.parse_args(argv)
    data = build()
    problems = missing_labels(data)
    for problem in problems:
        print(problem, file=sys.stderr)
    if args.check:
        if not TARGET.exists() or TARGET.read_bytes() != data:
            print(f"{TARGET}: not up to date (run tools/make_invoice_template.py)",
                  file=sys.stderr)
            return 1
        return 1 if problems else 0
    tmp = TARGET.with_suffix(".docx.tmp")
    tmp.write_bytes(data)
    tmp.replace(TARGET)
    print(f"wrote {TARGET}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
