"""The WordprocessingML contratgen writes: typed elements in the schema's order, customer
text escaped, never markup; custom properties cut at Word's 255 UTF-16 units."""
from __future__ import annotations

from hypothesis import given, settings, strategies as st
from lxml import etree

from contratgen.library.markup import LINE_BREAK
from contratgen.render import wml
from contratgen.render.package import _custom_xml, split_property

W = f"{{{wml.W_NS}}}"


def parsed(xml: str) -> etree._Element:
    return etree.fromstring(f'<w:body xmlns:w="{wml.W_NS}">{xml}</w:body>')


def test_a_paragraph_is_in_schema_order_with_its_runs():
    xml = wml.to_xml([wml.paragraph("Heading1", [wml.run("Annexe 1", bold=True, italic=True)],
                                    page_break_before=True)])
    assert xml == ('<w:p><w:pPr><w:pStyle w:val="Heading1"/><w:pageBreakBefore/></w:pPr>'
                   '<w:r><w:rPr><w:b/><w:bCs/><w:i/><w:iCs/></w:rPr>'
                   '<w:t xml:space="preserve">Annexe 1</w:t></w:r></w:p>')


@settings(max_examples=200)
@given(st.text(alphabet=st.sampled_from(list("&<>\"' aé€😀;#/w:p") + [LINE_BREAK])))
def test_customer_text_stays_text(value):
    body = parsed(wml.to_xml([wml.paragraph("ArticleText", [wml.run(value)])]))
    (paragraph,) = body
    texts = [t.text or "" for t in paragraph.iter(f"{W}t")]
    assert texts == value.split(LINE_BREAK)
    assert len(paragraph.findall(f"{W}r/{W}br")) == value.count(LINE_BREAK)


def test_no_paragraph_is_no_xml():
    assert wml.to_xml([]) == ""


def test_custom_properties_keep_any_name_and_value():
    xml = _custom_xml({'a "quoted" name': "x < y & z", "plain": "é"})
    root = etree.fromstring(xml)
    assert [(p.get("name"), "".join(p.itertext())) for p in root] == \
        [('a "quoted" name', "x < y & z"), ("plain", "é")]


def _split_by_units(value, limit):   # the definition: cut at each UTF-16 unit budget
    parts, current, units = [], "", 0
    for char in value:
        size = len(char.encode("utf-16-le")) // 2
        if units + size > limit:
            parts.append(current)
            current, units = "", 0
        current += char
        units += size
    return parts + [current] if current or not parts else parts


@settings(max_examples=300)
@given(st.text(max_size=700), st.integers(min_value=2, max_value=300))
def test_split_property_cuts_at_utf16_units(value, limit):
    assert split_property(value, limit) == _split_by_units(value, limit)
