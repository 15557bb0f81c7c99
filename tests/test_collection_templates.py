"""templates/letter.docx and templates/installment_agreement.docx: Word files, linted as the
others (a lost slot is an error), their labels in both languages; an English letter."""
import pytest
import yaml
from click.testing import CliRunner

from conftest import ROOT, SAMPLES, docx_text
from contratgen.cli import main
from contratgen.render.docx import prepare_template
from contratgen.render.template_lint import kind_of, lint_template

TEMPLATES = ROOT / "templates"
LABELS = ROOT / "contratgen" / "data" / "collection_labels.yaml"


@pytest.mark.parametrize("name", ["letter.docx", "installment_agreement.docx"])
def test_the_shipped_templates_lint_clean(name):
    path = TEMPLATES / name
    assert lint_template(prepare_template(path), kind_of(path)) == []


def test_both_languages_have_the_same_labels():
    data = yaml.safe_load(LABELS.read_text("utf-8"))
    assert set(data["fr"]) == set(data["en"])


@pytest.mark.parametrize("name, slot", [("letter.docx", "body"),
                                        ("installment_agreement.docx", "articles")])
def test_a_lost_slot_is_an_error(name, slot, tmp_path):
    import zipfile
    target = tmp_path / name
    with zipfile.ZipFile(TEMPLATES / name) as src, zipfile.ZipFile(target, "w") as out:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "word/document.xml":
                data = data.replace(f"{{{{p {slot} }}}}".encode(), b"")
            out.writestr(item, data)
    found = lint_template(prepare_template(target), kind_of(target))
    assert any(d.is_error and d.code == "template.slot" and slot in d.message for d in found)


def test_an_english_formal_notice(write, tmp_path):
    text = (SAMPLES / "contract-b2b-late.yaml").read_text().replace("language: fr",
                                                                    "language: en")
    path = write("late-en.yaml", text)
    result = CliRunner().invoke(main, ["remind", str(path), "--invoice", "FA-2026-0131",
                                       "--level", "formal-notice", "--on", "2026-06-30",
                                       "-o", str(tmp_path / "out"), "--format", "docx"])
    assert result.exit_code == 0, result.output
    body = " ".join(docx_text((tmp_path / "out" / "FA-2026-0131-formal-notice.docx")
                              .read_bytes()).replace("\u202f", " ").replace("\u00a0", " ")
                    .split())
    assert "Formal notice to pay (mise en demeure)" in body
    assert "Registered letter with acknowledgement of receipt" in body
    assert "We hereby give you formal notice" in body and "Total due €978.95" in body
    assert "Article 5" in body
