"""The redline's invariant on generated documents: for any two bodies (paragraphs with
styles and formatted runs, tables), accepting every revision gives NEW's text, rejecting
every one gives OLD's, and the DOCX passes the Open XML SDK schema check."""
from __future__ import annotations

import datetime

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from lxml import etree

from conftest import SAMPLES
from contratgen.redline import accept_all, compare, paragraph_texts, reject_all
from contratgen.redline.documents import load_version
from contratgen.redline.ooxml import W_NS, Package, body, w


def texts(docx: bytes) -> list[str]:
    return paragraph_texts(Package.read(docx).document())


@pytest.fixture(scope="module")
def validator():
    audit = pytest.importorskip("openxml_audit")
    return audit.OpenXmlValidator()


_WORDS = st.sampled_from(["le", "prix", "client", "Article", "payé", "la", "de", "15", "€"])
_RUN = st.tuples(st.lists(_WORDS, min_size=1, max_size=6).map(" ".join),
                 st.booleans(), st.booleans())
_PARAGRAPH = st.tuples(st.sampled_from(["", "Heading1", "Heading2", "ListBullet"]),
                       st.lists(_RUN, min_size=0, max_size=4))
_TABLE = st.lists(st.lists(st.lists(_PARAGRAPH, min_size=1, max_size=2), min_size=2,
                           max_size=2), min_size=1, max_size=3)
_BLOCKS = st.lists(st.one_of(_PARAGRAPH, _TABLE.map(lambda rows: ("table", rows))),
                   min_size=1, max_size=12)


def _paragraph_xml(style, runs):
    ppr = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    out = []
    for text, bold, italic in runs:
        rpr = ("<w:b/>" if bold else "") + ("<w:i/>" if italic else "")
        out.append(f'<w:r>{"<w:rPr>" + rpr + "</w:rPr>" if rpr else ""}'
                   f'<w:t xml:space="preserve">{text} </w:t></w:r>')
    return f"<w:p>{ppr}{''.join(out)}</w:p>"


def _body_xml(blocks):
    parts = []
    for block in blocks:
        if block[0] == "table":
            rows = "".join("<w:tr>" + "".join(
                "<w:tc>" + "".join(_paragraph_xml(*p) for p in cell) + "</w:tc>"
                for cell in row) + "</w:tr>" for row in block[1])
            parts.append(f"<w:tbl><w:tblPr/><w:tblGrid><w:gridCol/><w:gridCol/></w:tblGrid>"
                         f"{rows}</w:tbl>")
        else:
            parts.append(_paragraph_xml(*block))
    parts.append("<w:p/>")   # Word ends a body with a paragraph
    return "".join(parts)


@pytest.fixture(scope="module")
def package_base():
    return Package.read(load_version(SAMPLES / "contract-b2b.yaml").docx)


def _docx(package, blocks):
    root = package.document()
    target = body(root)
    final = target.find(w("sectPr"))
    for child in list(target):
        target.remove(child)
    xml = f'<w:body xmlns:w="{W_NS}">{_body_xml(blocks)}</w:body>'
    target.extend(etree.fromstring(xml))
    target.append(final)
    return package.with_document(root, datetime.date(2026, 3, 2))


@settings(max_examples=80, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(old=_BLOCKS, new=_BLOCKS)
def test_any_two_bodies_accept_into_new_and_reject_into_old(package_base, old, new):
    old_docx, new_docx = _docx(package_base, old), _docx(package_base, new)
    redline = compare(old_docx, new_docx)
    assert paragraph_texts(accept_all(redline.docx)) == texts(new_docx)
    assert paragraph_texts(reject_all(redline.docx)) == texts(old_docx)


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(old=_BLOCKS, new=_BLOCKS)
def test_any_two_bodies_give_a_schema_valid_redline(package_base, validator, old, new,
                                                   tmp_path_factory):
    path = tmp_path_factory.mktemp("redline") / "diff.docx"
    path.write_bytes(compare(_docx(package_base, old), _docx(package_base, new)).docx)
    result = validator.validate(str(path))
    assert result.is_valid, [str(e) for e in result.errors]
