"""The template linter: what the code expects of a letterhead, checked at lint and at build."""
import re
import shutil

import pytest
from click.testing import CliRunner

from contratgen.cli import main
from contratgen.render.docx import SHIPPED_TEMPLATES
from conftest import SAMPLES
from support.templates import W, edit_part, with_text_after, without_paragraph

@pytest.fixture
def letterheads(tmp_path):
    folder = tmp_path / "letterheads"
    folder.mkdir()
    return folder


def lint(folder):
    run = CliRunner().invoke(main, ["lint", "--templates", str(folder)])
    return run.exit_code, run.output


def test_the_shipped_templates_pass(letterheads):
    for path in SHIPPED_TEMPLATES.glob("*.docx"):
        shutil.copy(path, letterheads)
    code, output = lint(letterheads)
    assert code == 0 and "0 errors, 0 warnings" in output, output


CASES = [
    ("no articles slot", "word/document.xml", without_paragraph("{{p articles }}"),
     "template.slot", "clause articles slot"),
    ("articles slot not alone", "word/document.xml",
     with_text_after("{{p articles }}", " et la suite"), "template.slot", "alone"),
]


@pytest.mark.parametrize("what, part, change, code, words", CASES, ids=[c[0] for c in CASES])
def test_a_broken_letterhead_is_reported(letterheads, what, part, change, code, words):
    edit_part(SHIPPED_TEMPLATES / "contract.docx", letterheads / "contract.docx", part, change)
    status, output = lint(letterheads)
    assert status == 1
    (line,) = [x for x in output.splitlines() if f"[{code}]" in x]
    assert line.startswith(str(letterheads / "contract.docx")) and words in line


def test_a_misspelt_variable_and_label_are_reported(letterheads):
    def change(root):
        first = next(root.iter(f"{W}t"))
        first.text = "{{ provder.name }}{{ labels.nope }}" + (first.text or "")
    edit_part(SHIPPED_TEMPLATES / "quote.docx", letterheads / "quote.docx",
              "word/document.xml", change)
    status, output = lint(letterheads)
    assert status == 1
    assert "unknown variable 'provder'" in output and "[template.variable]" in output
    assert "label 'nope' does not exist in 'fr'" in output
    assert "label 'nope' does not exist in 'en'" in output


def test_a_missing_style_is_reported(letterheads):
    def change(root):
        for style in root.iter(f"{W}style"):
            if style.get(f"{W}styleId") == "Heading2":
                style.getparent().remove(style)
    edit_part(SHIPPED_TEMPLATES / "contract.docx", letterheads / "contract.docx",
              "word/styles.xml", change)
    status, output = lint(letterheads)
    assert status == 1 and "style 'Heading2' is missing" in output


def test_build_refuses_a_letterhead_without_articles_and_writes_nothing(tmp_path):
    edit_part(SHIPPED_TEMPLATES / "contract.docx", tmp_path / "letterhead.docx",
              "word/document.xml", without_paragraph("{{p articles }}"))
    text = (SAMPLES / "contract-b2b.yaml").read_text()
    text = text.replace("  copies: 2\n", "  copies: 2\n  template: letterhead.docx\n", 1)
    client = tmp_path / "client.yaml"
    client.write_text(text)
    out = tmp_path / "out"
    run = CliRunner().invoke(main, ["build", str(client), "-o", str(out), "--format", "docx"])
    assert run.exit_code == 1
    assert "[template.slot]" in run.output
    line = text.splitlines().index("  template: letterhead.docx") + 1
    assert re.search(rf"client\.yaml:{line}:\d+: error: this template cannot be used", run.output)
    assert not out.exists() or not any(out.iterdir())
    check = CliRunner().invoke(main, ["check", str(client)])
    assert check.exit_code == 1 and "[template.slot]" in check.output


def test_a_missing_annex_slot_is_a_warning_until_a_clause_brings_an_annex(tmp_path):
    folder = tmp_path / "tpl"
    folder.mkdir()
    edit_part(SHIPPED_TEMPLATES / "quote.docx", folder / "quote.docx", "word/document.xml",
              without_paragraph("{{p clause_annexes }}"))
    status, output = lint(folder)
    assert status == 0 and "warning: the clause annex pages slot" in output
    quote = SAMPLES / "quote-b2c.yaml"     # its withdrawal clause brings the form's page
    assert "withdrawal" in quote.read_text()
    run = CliRunner().invoke(main, ["check", str(quote), "--templates", str(folder)])
    assert run.exit_code == 1
    assert "error: the clause annex pages slot" in run.output
