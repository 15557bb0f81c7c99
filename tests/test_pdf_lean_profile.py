"""The lean profile settings (contratgen.pdf.office_profile.LEAN_SETTINGS: no automatic
spelling, grammar, word completion, smart tags, recovery, VBA, thumbnail) make Writer do
less per document and change nothing in the PDF: the finalized bytes are the same as with
the security settings alone, for every shipped sample, plain and PDF/A."""

import io

import pytest
from pypdf import PdfReader

from contratgen.pdf import office_profile
from contratgen.pdf.workers import Converter
from contratgen.pipeline import prepare, render_document, to_pdf
from conftest import FIXTURES, needs_libreoffice  # noqa: F401

pytestmark = needs_libreoffice

SAMPLES = sorted((FIXTURES.parent.parent / "samples").glob("*.yaml"))


def pdfs(monkeypatch, settings, pdfa: bool) -> list[bytes]:
    """Every sample's finalized PDF, by one LibreOffice whose profile has ``settings``."""
    prepared = [prepare(path) for path in SAMPLES]
    with monkeypatch.context() as patch:
        patch.setattr(office_profile, "SETTINGS", settings)
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
    plain = pdfs(monkeypatch, office_profile.SECURITY_SETTINGS, pdfa)
    for path, ours, theirs in zip(SAMPLES, lean, plain):
        assert ours == theirs, path.name
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(ours)).pages)
        assert prepare(path).client.document.number in text, path.name
