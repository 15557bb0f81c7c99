"""The letterhead's paragraph styles decide how the articles look, not the code: the
renderer only names the styles (``Heading2``, ``ArticleText``, ``ListBullet``); the
shipped templates justify the text and keep a heading with its text through those styles,
and a letterhead whose ``ArticleText`` is left-aligned gets left-aligned articles.
"""
import shutil
import zipfile

import pytest
from click.testing import CliRunner
from lxml import etree
from pypdf import PdfReader

from conftest import SAMPLES, needs_libreoffice
from support.templates import edit_part
from contratgen.cli import main
from contratgen.library.markup import parse
from contratgen.render import docx as render
from contratgen.render.template_lint import ADVISED_STYLES, STYLES

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
CONTRACT = SAMPLES / "contract-b2b.yaml"


def _styles(path) -> etree._Element:
    with zipfile.ZipFile(path) as package:
        return etree.fromstring(package.read("word/styles.xml"))


def _style(root, style_id):
    (style,) = [s for s in root.iter(f"{W}style") if s.get(f"{W}styleId") == style_id]
    return style


def _left_aligned(root) -> None:
    _style(root, "ArticleText").find(f"{W}pPr/{W}jc").set(f"{W}val", "left")


def _build(tmp_path, templates, fmt="docx"):
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(CONTRACT), "--templates", str(templates),
                                       "--format", fmt, "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out / f"CT-2026-0042.{fmt}"


def _document_xml(path) -> str:
    with zipfile.ZipFile(path) as package:
        return package.read("word/document.xml").decode("utf-8")


@pytest.mark.parametrize("name", ["contract", "quote", "invoice", "letter",
                                  "installment_agreement"])
def test_the_shipped_styles_justify_the_articles_and_keep_headings_with_their_text(name):
    root = _styles(render.SHIPPED_TEMPLATES / f"{name}.docx")
    heading, text = _style(root, "Heading2"), _style(root, "ArticleText")
    assert heading.find(f"{W}pPr/{W}keepNext") is not None
    assert text.find(f"{W}pPr/{W}jc").get(f"{W}val") == "both"
    assert {"Heading2", "ListBullet"} <= set(STYLES) and "ArticleText" in ADVISED_STYLES


def test_the_article_paragraphs_only_name_their_style():
    blocks = parse("Le texte **en gras**.\n\n- un point\n- un autre")
    xml = render.articles_xml([render.Article(3, "Titre", blocks, False)])
    xml += render.section_xml("Objet", blocks) + render.paragraphs_xml(blocks)
    assert "w:jc" not in xml and "w:keepNext" not in xml
    assert '<w:pStyle w:val="Heading2"/>' in xml
    assert xml.count('<w:pStyle w:val="ArticleText"/>') == 3
    assert xml.count('<w:pStyle w:val="ListBullet"/>') == 6


def test_a_left_aligned_letterhead_gets_left_aligned_articles(tmp_path):
    templates = tmp_path / "letterhead"
    shutil.copytree(render.SHIPPED_TEMPLATES, templates)
    edit_part(render.SHIPPED_TEMPLATES / "contract.docx", templates / "contract.docx",
              "word/styles.xml", _left_aligned)
    shipped = _document_xml(_build(tmp_path / "shipped", render.SHIPPED_TEMPLATES))
    left = _document_xml(_build(tmp_path / "left", templates))
    assert 'w:jc w:val="both"' not in left
    assert left == shipped                   # the same paragraphs: only the style differs
    assert left.count('<w:pStyle w:val="ArticleText"/>') > 20


def _plain_letterhead(folder):
    """A Word document with Word's default styles (no ArticleText) as the letterhead."""
    import docx
    document = docx.Document()
    document.add_paragraph("{{ provider.name }}")
    document.add_paragraph("{{p articles }}")
    folder.mkdir()
    document.save(folder / "contract.docx")
    return folder


def test_a_letterhead_without_article_text_warns_and_its_articles_take_normal(tmp_path):
    templates = _plain_letterhead(tmp_path / "plain")
    lint = CliRunner().invoke(main, ["lint", "--templates", str(templates)])
    assert "warning: style 'ArticleText' is missing" in lint.output
    assert "[template.style]" in lint.output and "error: style" not in lint.output
    body = _document_xml(_build(tmp_path, templates))
    assert 'w:jc w:val="both"' not in body and '<w:pStyle w:val="ArticleText"/>' in body


@needs_libreoffice
def test_a_left_aligned_letterhead_still_builds_its_pdf_and_libreoffice_follows_it(tmp_path):
    templates = tmp_path / "letterhead"
    shutil.copytree(render.SHIPPED_TEMPLATES, templates)
    edit_part(render.SHIPPED_TEMPLATES / "contract.docx", templates / "contract.docx",
              "word/styles.xml", _left_aligned)
    left = PdfReader(_build(tmp_path / "left", templates, "pdf"))
    shipped = PdfReader(_build(tmp_path / "shipped", render.SHIPPED_TEMPLATES, "pdf"))
    text = "\n".join(page.extract_text() for page in left.pages)
    assert "Article 1 – Objet" in text and "CT-2026-0042" in text
    # the same words, placed otherwise: the justified lines are no longer stretched
    assert [p.extract_text().split() for p in left.pages] == \
        [p.extract_text().split() for p in shipped.pages]
    assert [p.get_contents().get_data() for p in left.pages] != \
        [p.get_contents().get_data() for p in shipped.pages]


def _without_article_text(root) -> None:
    style = _style(root, "ArticleText")
    style.getparent().remove(style)


@needs_libreoffice
def test_a_letterhead_without_article_text_builds_its_pdf(tmp_path):
    templates = tmp_path / "letterhead"
    shutil.copytree(render.SHIPPED_TEMPLATES, templates)
    edit_part(render.SHIPPED_TEMPLATES / "contract.docx", templates / "contract.docx",
              "word/styles.xml", _without_article_text)
    pdf = PdfReader(_build(tmp_path, templates, "pdf"))
    assert "Article 1 – Objet" in "\n".join(page.extract_text() for page in pdf.pages)
