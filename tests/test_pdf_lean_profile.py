"""The lean profile settings (contratgen.pdf.office_profile.LEAN_SETTINGS: no automatic
spelling, grammar, word completion, smart tags, recovery, VBA, thumbnail) make Writer do
less per document, and the start settings (the version that last ran) spare each start
the graphics tests; neither changes anything in the PDF: the finalized bytes are the same
as with the security settings alone, for every shipped sample, plain and PDF/A."""

import io
import subprocess

import pytest
from pypdf import PdfReader

from contratgen.pdf import office_profile, office_worker
from contratgen.pdf.workers import Converter, find_soffice
from contratgen.pipeline import prepare, render_document, to_pdf
from conftest import FIXTURES, needs_libreoffice  # noqa: F401

pytestmark = needs_libreoffice

SAMPLES = sorted((FIXTURES.parent.parent / "samples").glob("*.yaml"))


def pdfs(monkeypatch, settings, pdfa: bool, start: bool = True) -> list[bytes]:
    """Every sample's finalized PDF, by one LibreOffice whose profile has ``settings``
    (and the start settings, unless ``start`` is False)."""
    prepared = [prepare(path) for path in SAMPLES]
    with monkeypatch.context() as patch:
        patch.setattr(office_profile, "SETTINGS", settings)
        if not start:
            patch.setattr(office_worker, "start_settings", lambda soffice: ())
        with Converter(workers=1, timeout=60, pdfa=pdfa) as converter:
            return [to_pdf(p, render_document(p), converter, pdfa) for p in prepared]


def test_the_lean_settings_are_in_the_profile_and_the_security_ones_still_are():
    xml = office_profile.registry_xml()
    assert 'oor:name="IsSpellAuto"' in xml and 'oor:name="DisableMacrosExecution"' in xml
    assert office_profile.SETTINGS == (office_profile.SECURITY_SETTINGS
                                       + office_profile.LEAN_SETTINGS)


@pytest.mark.parametrize("pdfa", [False, True], ids=["pdf", "pdfa"])
def test_the_lean_profile_gives_the_same_bytes_as_the_security_settings_alone(
        monkeypatch, pdfa):
    assert SAMPLES
    lean = pdfs(monkeypatch, office_profile.SETTINGS, pdfa)
    plain = pdfs(monkeypatch, office_profile.SECURITY_SETTINGS, pdfa, start=False)
    for path, ours, theirs in zip(SAMPLES, lean, plain):
        assert ours == theirs, path.name
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(ours)).pages)
        assert prepare(path).client.document.number in text, path.name


def test_the_start_settings_name_the_installed_version():
    soffice = find_soffice()
    ((path, name, _kind, version),) = office_profile.start_settings(soffice)
    shown = subprocess.run([soffice, "--headless", "--version"], capture_output=True,
                           text=True, timeout=60).stdout   # "LibreOffice 7.4.7.2 40(…)"
    assert (path, name) == ("/org.openoffice.Setup/Product", "ooSetupLastVersion")
    assert shown.split()[1].startswith(version + ".")


def graphics_tests_ran(tmp_path, monkeypatch, start: bool) -> bool:
    """Whether a LibreOffice started on a new profile ran its graphics tests (they leave
    GraphicsRenderTests.log in the profile)."""
    with monkeypatch.context() as patch:
        patch.setenv("CONTRATGEN_CACHE_DIR", "off")   # a new profile, in the run's folder
        if not start:
            patch.setattr(office_worker, "start_settings", lambda soffice: ())
        with Converter(workers=1, timeout=60) as converter:
            pdf = converter.convert(render_document(prepare(SAMPLES[0])))
            ran = (converter._all[0].profile / "user" / "GraphicsRenderTests.log").is_file()
    assert pdf.startswith(b"%PDF-")
    return ran


def test_a_start_does_not_run_the_graphics_tests_with_the_start_settings(tmp_path,
                                                                          monkeypatch):
    assert graphics_tests_ran(tmp_path, monkeypatch, start=False)
    assert not graphics_tests_ran(tmp_path, monkeypatch, start=True)
