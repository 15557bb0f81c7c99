"""The rendered-part check by skeleton (render/skeleton.py) says what the full parse says.

A batch parses the shape of a rendered part once and compares strings for the next
documents; a value that breaks the XML must still be refused, wherever the template
prints it — in a comment, a CDATA section, a processing instruction, an attribute, a
namespace URI, a name — and even when a benign value of the same shape came first.
"""
from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st
from markupsafe import Markup, escape

from contratgen.diagnostics import UserError
from contratgen.library.markup import Block, Run
from contratgen.render import docx as render, skeleton
from contratgen.render.template_guard import TemplateRefused, check_rendered

# (before, after) the printed value: every place of an XML text a value can land in
PLACES = [("<r>", "</r>"), ("<r><!--", "--></r>"), ("<r><![CDATA[", "]]></r>"),
          ("<r><?pi ", "?></r>"), ('<r a="', '"/>'), ("<r a='", "'/>"), ("<r>", "></r>"),
          ('<r xmlns:p="', '"/>'), ('<r xmlns="', '"/>'), ('<r xml:id="', '"/>'),
          ("<r ", '="1"/>'), ("<r>&", ";</r>"), ("<", "/>"), ("<r><!--", "-></r>"),
          ("<r><![CDATA[", "]></r>"), ("<r><?pi ", "></r>"), ("<r>", "-></r>"),
          ('<?xml version="', '"?><r/>'), ("<r>x</r>", ""), ("", "<r/>")]
HOSTILE = ["--", "-", "]]", "]", "?", "a b", "1 2", "http://www.w3.org/XML/1998/namespace",
           "http://www.w3.org/2000/xmlns/", "", "x", "amp", "#60", "1.0", "<", "&", '"', "'"]


def full_check(xml: str) -> bool:
    try:
        check_rendered("part", xml.encode("utf-8"))
        return True
    except TemplateRefused:
        return False


def skeleton_check(chunks: list[str]) -> bool:
    xml = "".join(chunks)
    try:
        skeleton.check_part("part", chunks, xml, xml.encode("utf-8"), False, ("test",))
        return True
    except TemplateRefused:
        return False


def printed(before: str, value, after: str) -> list[str]:
    """What Jinja yields for ``before{{ value }}after`` under autoescape."""
    return [before, value if isinstance(value, Markup) else escape(value), after]


@pytest.mark.parametrize("before,after", PLACES)
@pytest.mark.parametrize("value", HOSTILE)
def test_a_value_is_refused_where_the_full_parse_refuses_it_after_a_benign_one(
        before, after, value):
    for benign in ("x", "y-z", "a]b?"):   # the skeleton of the place, passed and kept
        skeleton_check(printed(before, benign, after))
    chunks = printed(before, value, after)
    assert skeleton_check(chunks) == full_check("".join(chunks))


@settings(max_examples=400, deadline=None)
@given(place=st.sampled_from(PLACES), first=st.text("ab -]?>&<\"'#;:x/=\ue0ff", max_size=6),
       second=st.text("ab -]?>&<\"'#;:x/=\ue0ff", max_size=6))
def test_any_value_gets_the_verdict_of_the_full_parse(place, first, second):
    before, after = place
    for value in (first, second):
        chunks = printed(before, value, after)
        assert skeleton_check(chunks) == full_check("".join(chunks))


def article(text: str) -> Markup:
    return render.articles_xml([render.Article(1, "Titre", (
        Block("paragraph", (Run(text),)),), False)])


@pytest.mark.parametrize("before,after", [("<w:x xmlns:w='urn:w'><!--", "--></w:x>"),
                                          ("<w:x xmlns:w='urn:w'><![CDATA[", "]]></w:x>"),
                                          ("<w:x xmlns:w='urn:w'><?pi ", "?></w:x>"),
                                          ("", ""), ("<x>", "</x>"),
                                          ("<w:x xmlns:w='urn:w' a='", "'/>")])
def test_an_article_of_contratgen_stands_in_only_for_an_element(before, after):
    """Articles are replaced by one empty element in the skeleton: in a comment, a CDATA
    section, a PI, at the root or where ``w:`` is unbound, the part itself decides."""
    for text in ("benign", "a -- b ]]> c ?> d"):
        chunks = [before, article(text), after]
        assert skeleton_check(chunks) == full_check("".join(chunks))


def test_articles_in_element_content_are_checked_once_per_shape():
    before, after = "<w:x xmlns:w='urn:w'>", "</w:x>"
    skeleton._PASSED.clear()
    for text in ("un", "deux -- ]]> ?>", "trois & <quatre>"):
        assert skeleton_check([before, article(text), after])
    assert [len(kept) for kept in skeleton._PASSED.values()] == [1]


# --- through a real template ------------------------------------------------------------

def template(tmp_path: Path, body: str) -> Path:
    """The shipped contract template with ``body`` as its document body and tag-free
    headers and footers. (A tag in a namespace URI or an ``xml:id`` is refused with the
    template itself: the unit tests above cover those places.)"""
    source = render.SHIPPED_TEMPLATES / "contract.docx"
    target = tmp_path / f"t{len(list(tmp_path.iterdir()))}.docx"
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "word/document.xml":
                text = data.decode("utf-8")
                start = text.index("<w:body>") + len("<w:body>")
                data = (text[:start] + body + "</w:body></w:document>").encode("utf-8")
            elif item.filename.startswith(("word/header", "word/footer")):
                data = data.replace(b"{{", b"(").replace(b"}}", b")").replace(
                    b"{%", b"(").replace(b"%}", b")")
            zout.writestr(item, data)
    return target


PROPS = render.DocProperties("t", "a", "s", "k", "fr", __import__("datetime").date(2026, 1, 2),
                             {})


def rendered(path: Path, **context) -> bytes:
    return render.render_docx(render.prepare_template(path), context, PROPS)


@pytest.mark.parametrize("body,benign,hostile", [
    ("<!-- {{ v }} --><w:p/>", "note", "a--b"),
    ("<w:p><w:r><w:t>{{ v }}></w:t></w:r></w:p>", "ab", "a]]"),
    ('<w:p><w:r><w:t w:a=">" w:x="{{ v }}">a</w:t></w:r></w:p>', "ab", "a\nb"),
    ("<w:p><w:r><w:t>{{ v|safe }}</w:t></w:r></w:p>", "plain", "</w:t>"),
])
def test_a_hostile_value_in_a_template_is_refused_after_a_benign_one(tmp_path, body, benign,
                                                                       hostile):
    path = template(tmp_path, body)
    rendered(path, v=benign)
    rendered(path, v=benign + "2")
    with pytest.raises(UserError) as refused:
        rendered(path, v=hostile)
    assert refused.value.diagnostics[0].code == "template.invalid"


def test_a_fragment_in_a_comment_with_a_double_hyphen_is_refused(tmp_path):
    path = template(tmp_path, "<!-- {{ articles }} --><w:p/>")
    rendered(path, articles=article("benign"))
    with pytest.raises(UserError) as refused:
        rendered(path, articles=article("a -- b"))
    assert refused.value.diagnostics[0].code == "template.invalid"
