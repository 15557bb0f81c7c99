"""The templates are Word files (issue 11): the committed .docx are the source, checked by
`contratgen lint --templates` as shipped and after a LibreOffice re-save, never compared
with a generator's output; tools/docx_textconv.py lets `git diff` show their text."""
import subprocess
import sys
import zipfile

import pytest
from click.testing import CliRunner

from conftest import ROOT, needs_libreoffice
from contratgen.cli import main
from contratgen.pdf.workers import find_soffice

TEMPLATES = ROOT / "templates"
TEXTCONV = ROOT / "tools" / "docx_textconv.py"
SHIPPED = sorted(TEMPLATES.glob("*.docx"))


def lint(folder) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["lint", "--templates", str(folder)])
    return result.exit_code, result.output


def test_the_shipped_templates_lint_clean():
    code, output = lint(TEMPLATES)
    assert code == 0, output
    assert f"{len(SHIPPED)} templates, 0 errors, 0 warnings" in output


@needs_libreoffice
def test_each_shipped_template_resaved_by_libreoffice_lints_clean(tmp_path):
    subprocess.run([find_soffice(), "--headless", f"-env:UserInstallation=file://{tmp_path}/p",
                    "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(tmp_path / "tpl"),
                    *map(str, SHIPPED)], check=True, capture_output=True, timeout=300)
    resaved = sorted((tmp_path / "tpl").glob("*.docx"))
    assert [p.name for p in resaved] == [p.name for p in SHIPPED]
    for path in resaved:   # really re-written by LibreOffice, not copied
        assert path.read_bytes() != (TEMPLATES / path.name).read_bytes()
    code, output = lint(tmp_path / "tpl")
    assert code == 0, output
    assert f"{len(SHIPPED)} templates, 0 errors, 0 warnings" in output


def textconv(path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(TEXTCONV), str(path)], capture_output=True,
                          text=True, timeout=60)


def test_textconv_prints_paragraphs_tables_and_bookmarks():
    done = textconv(TEMPLATES / "contract.docx")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "{{p articles }}" in lines                       # a body paragraph, alone
    assert "| [SignatureText] {{ labels.sign_provider }}" in lines   # a table cell
    assert "  [SignatureText] [bookmark client_signature]" in lines  # where a field goes
    assert lines[0].startswith("=== word/header") and "=== word/document.xml" in lines


def test_textconv_shows_an_edit_as_a_one_line_change(tmp_path):
    edited = tmp_path / "contract.docx"
    with zipfile.ZipFile(TEMPLATES / "contract.docx") as src, \
            zipfile.ZipFile(edited, "w") as out:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "word/document.xml":
                data = data.replace(b"{{ labels.sign_client }}", b"{{ labels.sign_client }} !")
            out.writestr(item, data)
    before = textconv(TEMPLATES / "contract.docx").stdout.splitlines()
    after = textconv(edited).stdout.splitlines()
    assert len(before) == len(after)
    assert [(a, b) for a, b in zip(before, after) if a != b] == [
        ("| [SignatureText] {{ labels.sign_client }}", "| [SignatureText] {{ labels.sign_client }} !")]


def test_textconv_refuses_a_file_that_is_no_docx(tmp_path):
    bogus = tmp_path / "x.docx"
    bogus.write_text("not a zip")
    done = textconv(bogus)
    assert done.returncode == 1 and "not a readable DOCX" in done.stderr and not done.stdout


def test_git_is_told_to_diff_docx_as_text():
    assert "*.docx diff=docx" in (ROOT / ".gitattributes").read_text().splitlines()
    assert 'git config diff.docx.textconv "python3 tools/docx_textconv.py"' in \
        (ROOT / "docs" / "TEMPLATES.md").read_text()


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_textconv_reads_every_shipped_template(path):
    done = textconv(path)
    assert done.returncode == 0 and "=== word/document.xml" in done.stdout
