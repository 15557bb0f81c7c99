"""The shipped templates' package parts as Word writes them: the zoom as a percent, every
font the styles name in the font table (Liberation Sans), app properties that describe
the file rather than the Word template it was once made from, and every number cell
marked "do not wrap" (what contratgen.render.columns widens)."""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from conftest import SAMPLES
from contratgen.pipeline import prepare, render_document

TEMPLATES = sorted((Path(__file__).resolve().parent.parent / "templates").glob("*.docx"))
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
APP = "{http://schemas.openxmlformats.org/officeDocument/2006/extended-properties}"


def part(source, name: str) -> etree._Element:
    with zipfile.ZipFile(source) as package:
        return etree.fromstring(package.read(name))


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """A document built from the shipped quote template: the parts travel to the user."""
    target = tmp_path_factory.mktemp("parts") / "quote.docx"
    target.write_bytes(render_document(prepare(SAMPLES / "quote-b2b.yaml")))
    return target


def sources(built):
    return [*TEMPLATES, built]


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.name)
def test_the_zoom_is_a_percent(template):
    [zoom] = part(template, "word/settings.xml").iter(f"{W}zoom")
    assert zoom.get(f"{W}percent") == "100"      # required by the schema (CT_Zoom)


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.name)
def test_every_font_the_styles_name_is_in_the_font_table(template):
    named = set()
    for name in ("word/styles.xml", "word/document.xml"):
        for fonts in part(template, name).iter(f"{W}rFonts"):
            named |= {fonts.get(f"{W}{a}") for a in ("ascii", "hAnsi", "cs", "eastAsia")}
    table = {font.get(f"{W}name") for font in part(template, "word/fontTable.xml")}
    assert "Liberation Sans" in named and (named - {None}) <= table
    [liberation] = [f for f in part(template, "word/fontTable.xml")
                    if f.get(f"{W}name") == "Liberation Sans"]
    assert liberation.find(f"{W}altName").get(f"{W}val") == "Arial"
    assert liberation.find(f"{W}family").get(f"{W}val") == "swiss"


def test_the_app_properties_keep_no_word_template_leftovers(built):
    for source in sources(built):
        app = part(source, "docProps/app.xml")
        names = {child.tag.replace(APP, "") for child in app}
        # no template, no stale counts, no empty title part, no Word version
        assert not names & {"Template", "Pages", "Words", "Characters", "Lines", "Paragraphs",
                            "CharactersWithSpaces", "HeadingPairs", "TitlesOfParts",
                            "AppVersion", "TotalTime", "Manager", "Company"}, source
        assert app.find(f"{APP}Application").text == "contratgen"
        assert b"Normal.dotm" not in etree.tostring(app)


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.name)
def test_every_number_cell_is_marked_do_not_wrap(template):
    cells = [c for c in part(template, "word/document.xml").iter(f"{W}tc")
             if c.find(f".//{W}jc[@{W}val='right']") is not None
             and c.find(f".//{W}pStyle[@{W}val='TableHeading']") is None
             and c.find(f".//{W}tbl") is None      # a layout cell holding a table
             and "{{" in "".join(c.itertext())]
    assert cells
    unmarked = ["".join(c.itertext()) for c in cells if c.find(f"{W}tcPr/{W}noWrap") is None]
    assert unmarked == []


def test_the_item_table_gives_the_room_to_the_description():
    for template in ("quote.docx", "contract.docx", "invoice.docx"):
        body = part(Path(TEMPLATES[0]).parent / template, "word/document.xml")
        for grid in body.iter(f"{W}tblGrid"):
            widths = [int(c.get(f"{W}w")) for c in grid]
            if len(widths) in (6, 7) and sum(widths) == 9638:
                assert widths[0] == max(widths) and widths[0] >= 3458
                assert widths[1] >= 907        # "1 234,75" at 9 pt with its margins
        units = [c for c in body.iter(f"{W}tc") if ".unit %}" in "".join(c.itertext())]
        assert units and all(c.find(f"{W}tcPr/{W}noWrap") is not None for c in units)
