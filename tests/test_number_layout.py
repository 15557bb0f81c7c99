"""Numbers never wrap: a quantity or an amount prints on one line, whatever its size, and
the description gets the room (templates' ``<w:noWrap/>`` number cells, the item tables'
widths, :mod:`contratgen.render.columns`). Checked on the PDF LibreOffice makes: every
character of each number on the same line, in order (PDFium's character boxes)."""
from __future__ import annotations

import re
from decimal import Decimal

import pytest
from click.testing import CliRunner

from conftest import SAMPLES, needs_libreoffice
from contratgen.cli import main
from contratgen.render.columns import fit_columns, text_width

DESCRIPTIONS = ("Impression de dépliants trois volets sur papier recyclé 170 gr",
                "Mise en page et préparation des fichiers pour l'imprimeur BAT",
                "Enveloppes blanches à fenêtre gauche, format DL, auto-adhésif")


def quote(tmp_path, quantities, prices, name="q.yaml"):
    """The B2B sample quote with three lines of 60-character descriptions."""
    text = (SAMPLES / "quote-b2b.yaml").read_text("utf-8")
    lines = "".join(f'  - {{description: "{d}", quantity: {q}, unit: unité, '
                    f'unit_price: {p}, vat_rate: 20{", discount: 5" if i == 2 else ""}}}\n'
                    for i, (d, q, p) in enumerate(zip(DESCRIPTIONS, quantities, prices)))
    start, end = text.index("items:\n") + len("items:\n"), text.index("\npayment:")
    path = tmp_path / name
    path.write_text(text[:start] + lines + text[end:], "utf-8")
    return path


def pdf_of(path, out):
    result = CliRunner().invoke(main, ["build", str(path), "-o", str(out), "--format", "pdf"])
    assert result.exit_code == 0, result.output
    [pdf] = out.glob("*.pdf")
    return pdf


def characters(pdf):
    """The first page's printed characters (spaces left out) with their boxes."""
    import pypdfium2 as pdfium
    document = pdfium.PdfDocument(str(pdf))
    try:
        page = document[0].get_textpage()
        text = page.get_text_range()
        chars = [(c, page.get_charbox(i, loose=True)) for i, c in enumerate(text[:page.count_chars()])
                 if not c.isspace()]
    finally:
        document.close()
    return chars


def placements(chars, printed: str) -> list[list[tuple]]:
    """The boxes of each occurrence of ``printed`` (its spaces left out)."""
    wanted = re.sub(r"\s", "", printed)
    stream = "".join(c for c, _ in chars)
    return [[box for _, box in chars[at:at + len(wanted)]]
            for at in (m.start() for m in re.finditer(re.escape(wanted), stream))]


def on_one_line(boxes) -> bool:
    """Same baseline band, left to right (a wrapped number has a second line)."""
    bottoms = [box[1] for box in boxes]
    lefts = [box[0] for box in boxes]
    return max(bottoms) - min(bottoms) < 2 and lefts == sorted(lefts)


def money(value: Decimal) -> str:
    whole, cents = f"{value:.2f}".split(".")
    return f"{int(whole):,}".replace(",", " ") + f",{cents} €"


CASES = {
    # the new user's quote: 125 000, 1 234,75 and 84 500 (the template's widths suffice)
    "the new user's": (("125000", "1234.75", "84500"), ("0.12", "65", "0.35")),
    # far beyond what the template plans for: the columns are widened from the content
    "huge": (("12345678.125", "1234.75", "84500"), ("0.12", "1234567.89", "0.35")),
}


@needs_libreoffice
@pytest.mark.parametrize("case", CASES)
def test_every_quantity_and_amount_prints_on_one_line(tmp_path, case):
    quantities, prices = CASES[case]
    pdf = pdf_of(quote(tmp_path, quantities, prices), tmp_path / "out")
    chars = characters(pdf)
    totals = [Decimal(q) * Decimal(p) * (Decimal("0.95") if i == 2 else 1)
              for i, (q, p) in enumerate(zip(quantities, prices))]
    printed = [f"{Decimal(q):,}".replace(",", " ").replace(".", ",") for q in quantities]
    printed += [money(Decimal(p)) for p in prices]
    printed += [money(t.quantize(Decimal("0.01"))) for t in totals]
    for number in printed:
        found = placements(chars, number)
        assert found, f"{number} is not printed on page 1"
        assert all(on_one_line(boxes) for boxes in found), f"{number} wraps"
    # the descriptions wrap in a column that gets the room: in two lines, the first one
    # longer than the template's old 2 948-twip column could hold (2 812 twips inside its
    # margins: 140.6 pt)
    if case == "huge":
        return
    for description in DESCRIPTIONS:
        [boxes] = placements(chars, description)
        first = [box for box in boxes if abs(box[1] - boxes[0][1]) < 2]
        second = [box for box in boxes[len(first):] if abs(box[1] - boxes[-1][1]) < 2]
        assert len(first) + len(second) == len(boxes)
        assert max(box[2] for box in first) - boxes[0][0] > 140.6

def test_the_issue_figures_are_those_computed_by_hand():
    # 125 000 × 0,12 = 15 000,00 ; 1 234,75 × 65 = 80 258,75 ; 84 500 × 0,35 × 0,95 = 28 096,25
    assert money(Decimal("125000") * Decimal("0.12")) == "15 000,00 €"
    assert money(Decimal("1234.75") * 65) == "80 258,75 €"
    assert money((Decimal("84500") * Decimal("0.35") * Decimal("0.95")).quantize(
        Decimal("0.01"))) == "28 096,25 €"


# --- the fitting itself, without LibreOffice ------------------------------------------------

STYLES = (b'<w:styles><w:docDefaults><w:rPrDefault><w:rPr><w:sz w:val="20"/></w:rPr>'
          b'</w:rPrDefault></w:docDefaults><w:style w:type="paragraph" w:styleId="T">'
          b'<w:basedOn w:val="N"/><w:rPr><w:sz w:val="18"/></w:rPr></w:style></w:styles>')


def table(widths, texts, no_wrap=(False, True)) -> str:
    def cell(width, text, fixed):
        return (f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{width}"/>'
                f'{"<w:noWrap/>" if fixed else ""}</w:tcPr><w:p><w:pPr><w:pStyle w:val="T"/>'
                f'</w:pPr><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>')
    return ('<w:body><w:tbl><w:tblPr><w:tblCellMar><w:left w:w="68" w:type="dxa"/>'
            '<w:right w:w="68" w:type="dxa"/></w:tblCellMar></w:tblPr><w:tblGrid>' +
            "".join(f'<w:gridCol w:w="{w}"/>' for w in widths) + '</w:tblGrid><w:tr>' +
            "".join(cell(w, t, f) for w, t, f in zip(widths, texts, no_wrap)) +
            '</w:tr></w:tbl></w:body>')


def grid(xml: str) -> list[int]:
    return [int(w) for w in re.findall(r'<w:gridCol w:w="(\d+)"/>', xml)]


def test_a_number_wider_than_its_column_takes_the_room_of_the_description():
    number = "12\u202f345\u202f678,125"
    xml = fit_columns(table((4000, 680), ("Une désignation", number)), STYLES)
    need = text_width(number, 18) + 136
    assert grid(xml)[1] >= need and sum(grid(xml)) == 4680
    assert re.findall(r'<w:tcW w:type="dxa" w:w="(\d+)"/>', xml) == [str(w) for w in grid(xml)]


@pytest.mark.parametrize("texts, no_wrap", [
    (("Une désignation", "125\u202f000"), (False, True)),       # it fits already
    (("Une désignation", "12\u202f345\u202f678,125"), (False, False)),  # may wrap
])
def test_a_table_whose_numbers_fit_or_may_wrap_is_left_as_it_is(texts, no_wrap):
    xml = table((4000, 1134), texts, no_wrap)
    assert fit_columns(xml, STYLES) == xml


def test_a_description_keeps_its_longest_word():
    number = "1\u202f234\u202f567\u202f890,12\u00a0€"
    word = "anticonstitutionnellement"
    xml = fit_columns(table((3000, 700), (word, number)), STYLES)
    assert 3000 > grid(xml)[0] >= text_width(word, 18) + 136
    assert grid(xml)[1] >= text_width(number, 18) + 136    # the table grows instead


def test_a_text_wider_than_the_table_does_not_stretch_it_past_twice_its_width():
    xml = fit_columns(table((4000, 1000), ("Une désignation", "9" * 100_000)), STYLES)
    assert grid(xml)[1] == 5000 and sum(grid(xml)) <= 2 * 5000
