#!/usr/bin/env python3
"""Build templates/letter.docx (contratgen remind) and templates/installment_agreement.docx.

**An example, not the source.** The committed ``templates/*.docx`` are the templates:
they are edited in Word or LibreOffice and checked by ``contratgen lint --templates
templates`` (tests/test_templates_are_word_files.py), never compared with this script's
output. Running it overwrites any edit made in Word since; it is kept to show how such a
template can be made with python-docx (styles, a signature table with its bookmarks).

They reuse the styles, page, header and table helpers of tools/make_templates.py, so the
letters and the agreement look like the contract they follow. The .docx files are the
source afterwards: edit them in Word or LibreOffice; this script is how they were made.

    python tools/make_collection_templates.py            # writes both templates
    python tools/make_collection_templates.py --check    # whether they are still this output

Every fixed word is a ``labels.<key>`` of contratgen/data/labels.yaml or
contratgen/data/collection_labels.yaml; the context is documented in docs/COLLECTION.md.
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
TARGETS = {"letter": ROOT / "templates" / "letter.docx",
           "installment_agreement": ROOT / "templates" / "installment_agreement.docx"}
LABELS = ROOT / "contratgen" / "data" / "collection_labels.yaml"
RIGHT = mt.RIGHT


def parties(doc, left_label: str, right_label: str) -> None:
    table = mt.make_table(doc, rows=1, widths_cm=[8.1, 0.8, 8.1],
                          margins_cm=(0.15, 0.25, 0.15, 0.25))
    row = table.rows[0]
    mt.row_props(row)
    box = {side: ("single", 4, mt.RULE) for side in ("top", "left", "bottom", "right")}
    for idx, (who, label) in ((0, ("provider", left_label)), (2, ("client", right_label))):
        mt.cell_borders(row.cells[idx], box)
        mt.party_cell(row.cells[idx], who, label)
    mt.para(row.cells[1], "", style="TableText")


def amounts_table(doc, rows) -> None:
    """Label / amount rows; a row with a condition is kept only when it holds (a
    ``{%tr if %}`` row before it, a ``{%tr endif %}`` row after)."""
    layout = []
    for cond, label, value, strong in rows:
        if cond:
            layout += [("{%%tr if %s %%}" % cond,), (label, value, strong), ("{%tr endif %}",)]
        else:
            layout.append((label, value, strong))
    table = mt.make_table(doc, rows=len(layout), widths_cm=[9.5, 3.5], align="left",
                          borders=mt.LINE_TABLE_BORDERS, margins_cm=(0.08, 0.15, 0.08, 0.15))
    for r, cells in zip(table.rows, layout):
        mt.row_props(r)
        if len(cells) == 1:
            mt.para(r.cells[0], cells[0], style="TableText")
            continue
        label, value, strong = cells
        mt.para(r.cells[0], (label, {"bold": strong}), style="TableText")
        mt.para(r.cells[1], (value, {"bold": strong}), style="TableText", align=RIGHT)


def bank(doc) -> None:
    mt.tag_para(doc, "{%p if payment.iban %}", style="Field")
    mt.para(doc, ("{{ labels.letter_bank }}{{ labels.colon }} ", {"bold": True}),
            "IBAN {{ payment.iban }}{% if payment.bic %} · BIC {{ payment.bic }}{% endif %}",
            style="Field", before=6)
    mt.tag_para(doc, "{%p endif %}", style="Field")


def footer(doc, number: str) -> None:
    for p in doc.sections[0].footer.paragraphs:
        for run in p.runs:
            run.text = run.text.replace("{{ document.number }}", number)


def build_letter(doc) -> None:
    parties(doc, "letter_creditor", "letter_debtor")
    mt.para(doc, "{{ letter.place }}, {{ labels.on_date }} {{ letter.date }}", style="Field",
            align=RIGHT, before=10)
    mt.tag_para(doc, "{%p if letter.is_formal_notice %}", style="Field")
    mt.para(doc, ("{{ labels.letter_registered }}", {"bold": True}), style="Field", before=4)
    mt.tag_para(doc, "{%p endif %}", style="Field")
    mt.para(doc, "{{ letter.title }}", style="Title")
    mt.para(doc, ("{{ labels.letter_subject }}{{ labels.colon }} ", {"bold": True}),
            "{{ letter.title }} – {{ labels.letter_invoice }} {{ letter.invoice.number }}",
            style="Field")
    mt.para(doc, ("{{ labels.letter_reference }}{{ labels.colon }} ", {"bold": True}),
            "{{ labels.letter_invoice }} {{ letter.invoice.number }}, "
            "{{ labels.letter_invoice_date }} {{ letter.invoice.date }}, "
            "{{ labels.letter_due_date }} {{ letter.invoice.due }} · "
            "{{ labels.letter_contract }} {{ letter.contract }}", style="Field")
    mt.para(doc, "{{ labels.letter_amounts }} {{ letter.date }}", style="Heading1")
    amounts_table(doc, [
        (None, "{{ labels.letter_principal }}", "{{ letter.invoice.outstanding }}", False),
        (None, "{{ labels.letter_interest }}", "{{ letter.invoice.interest }}", False),
        ("letter.business", "{{ labels.letter_indemnity }}", "{{ letter.invoice.indemnity }}",
         False),
        (None, "{{ labels.letter_total }}", "{{ letter.invoice.claimable }}", True)])
    mt.para(doc, "", style="Tiny", after=6)
    mt.tag_para(doc, "{{p body }}")
    bank(doc)
    mt.para(doc, "{{ labels.letter_signature }}", style="SignatureText", before=14)
    mt.para(doc, ("{{ provider.signatory.name }}", {"bold": True}), style="SignatureText")
    mt.tag_para(doc, "{%p if provider.signatory.title %}", style="SignatureText")
    mt.para(doc, "{{ provider.signatory.title }}, {{ provider.display_name }}",
            style="SignatureText")
    mt.tag_para(doc, "{%p endif %}", style="SignatureText")
    mt.para(doc, "", style="Tiny")
    footer(doc, "{{ letter.invoice.number }}")


def build_agreement(doc) -> None:
    mt.para(doc, "{{ document.title }}", style="Title")
    mt.para(doc, ("{{ labels.number }} {{ document.number }}", {"bold": True}), "     ",
            "{{ labels.date }}{{ labels.colon }} {{ document.date }}", style="DocMeta")
    mt.para(doc, "{{ labels.between_parties }}", style="Heading1")
    parties(doc, "agreement_creditor", "agreement_debtor")
    mt.para(doc, "{{ labels.agreement_debt }}", style="Heading1")
    widths = [6.0, 4.0, 7.0]
    mt.loop_table(doc, widths, ["{{ labels.agreement_invoice }}",
                                "{{ labels.agreement_invoice_date }}",
                                "{{ labels.agreement_amount }}"], [None, None, RIGHT],
                  ["{{ inv.number }}", "{{ inv.date }}", "{{ inv.amount }}"],
                  "{%tr for inv in agreement.invoices %}")
    mt.para(doc, "", style="Tiny", after=4)
    amounts_table(doc, [
        ("agreement.has_interest", "{{ labels.agreement_interest }}",
         "{{ agreement.interest }}", False),
        ("agreement.has_indemnity", "{{ labels.agreement_indemnity }}",
         "{{ agreement.indemnity }}", False),
        (None, "{{ labels.agreement_total }}", "{{ agreement.total }}", True)])
    mt.para(doc, "{{ labels.agreement_total_words }}{{ labels.colon }} "
                 "{{ agreement.total_words }}", style="Field", before=4)
    mt.para(doc, "{{ labels.agreement_plan }}", style="Heading1")
    mt.loop_table(doc, [3.0, 7.0, 7.0], ["{{ labels.agreement_instalment }}",
                                          "{{ labels.agreement_date }}",
                                          "{{ labels.agreement_instalment_amount }}"],
                  [None, None, RIGHT], ["{{ i.number }}", "{{ i.date }}", "{{ i.amount }}"],
                  "{%tr for i in agreement.plan %}")
    mt.para(doc, ("{{ labels.agreement_plan_total }}{{ labels.colon }} "
                  "{{ agreement.plan_total }}", {"bold": True}), style="Field", align=RIGHT)
    mt.tag_para(doc, "{%p if articles %}")
    mt.para(doc, "{{ labels.agreement_terms_heading }}", style="Heading1")
    mt.tag_para(doc, "{%p endif %}")
    mt.tag_para(doc, "{{p articles }}")
    mention(doc)
    mt.build_signatures(doc, "contract")


def mention(doc) -> None:
    """The blank box for the debtor's own mention of the sum (C. civ. 1376)."""
    mt.para(doc, ("{{ labels.agreement_mention }}", {"bold": True}), style="Field",
            before=10, keep_next=True)
    mt.para(doc, ("{{ labels.agreement_mention_hint }}", {"color": mt.GREY}), style="Field",
            keep_next=True)
    table = mt.make_table(doc, rows=1, widths_cm=[17.0], margins_cm=(0.1, 0.2, 0.1, 0.2))
    row = table.rows[0]
    mt.row_props(row)
    mt.cell_borders(row.cells[0], {side: ("single", 4, mt.RULE)
                                   for side in ("top", "left", "bottom", "right")})
    area = mt.para(row.cells[0], "", style="TableText")
    spacing = area._p.get_or_add_pPr().find(qn("w:spacing"))
    if spacing is None:
        spacing = mt.w_el("spacing")
        area._p.get_or_add_pPr().append(spacing)
    spacing.set(qn("w:line"), str(70 * 20))
    spacing.set(qn("w:lineRule"), "exact")
    mt.para(doc, "", style="Tiny", after=6)


def build(kind: str) -> bytes:
    mt._USED_CELLS.clear()
    doc = Document()
    mt.strip_package(doc)
    body = doc.element.body
    for p in list(body.findall(qn("w:p"))):
        body.remove(p)
    mt.setup_styles(doc)
    mt.setup_bullets(doc)
    mt.setup_page(doc)
    mt.set_properties(doc, "contract")
    mt.build_header_footer(doc)
    (build_letter if kind == "letter" else build_agreement)(doc)
    mt.prune_styles(doc)
    return mt.reproducible_bytes(doc)


def missing_labels(data: bytes) -> list[str]:
    used = mt.used_labels(data)
    contract = yaml.safe_load(mt.LABELS_FILE.read_text(encoding="utf-8"))
    ours = yaml.safe_load(LABELS.read_text(encoding="utf-8"))
    return [f"{lang}: missing labels {', '.join(sorted(missing))}" for lang in ("fr", "en")
            if (missing := used - set(contract[lang]) - set(ours[lang]))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="do not write; exit 1 if a template differs")
    args = parser.parse_args(argv)
    status = 0
    for kind, target in TARGETS.items():
        data = build(kind)
        for problem in missing_labels(data):
            print(f"{target.name}: {problem}", file=sys.stderr)
            status = 1
        if args.check:
            if not target.exists() or target.read_bytes() != data:
                print(f"{target}: not up to date (run tools/make_collection_templates.py)",
                      file=sys.stderr)
                status = 1
            continue
        tmp = target.with_suffix(".docx.tmp")
        tmp.write_bytes(data)
        tmp.replace(target)
        print(f"wrote {target}")
    return status


if __name__ == "__main__":
    sys.exit(main())
