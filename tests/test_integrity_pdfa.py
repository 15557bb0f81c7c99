"""PDF/A is not claimed where it is false: reproducible to the byte, still PDF/A (every
font embedded) once signed as docs/SIGNING.md shows; standard PDFs tagged with /Lang."""
import datetime
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import IndirectObject

from conftest import SAMPLES, needs_libreoffice
from contratgen.pdf.finalize import read_pdf_info
from contratgen.pdf.pdfa import PROFILE_DATE, fixed_profile

CLI = [sys.executable, "-m", "contratgen.cli"]
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def build(sample: str, out: Path, *options: str) -> Path:
    subprocess.run(CLI + ["build", str(SAMPLES / sample), "-o", str(out), "--format", "pdf",
                          *options], check=True, capture_output=True)
    (pdf,) = out.glob("*.pdf")
    return pdf


@pytest.fixture(scope="module")
def pdfa(tmp_path_factory) -> Path:
    return build("contract-b2b.yaml", tmp_path_factory.mktemp("pdfa"), "--pdfa")


def output_profile(pdf: Path) -> bytes:
    root = PdfReader(pdf).trailer["/Root"]
    return root["/OutputIntents"][0].get_object()["/DestOutputProfile"].get_object().get_data()


# --- reproducible ------------------------------------------------------------------------

@needs_libreoffice
def test_two_pdfa_builds_of_one_input_are_byte_identical(pdfa, tmp_path):
    time.sleep(1.1)    # the clock LibreOffice writes into its ICC profile has seconds
    again = build("contract-b2b.yaml", tmp_path, "--pdfa")
    assert again.read_bytes() == pdfa.read_bytes()


@needs_libreoffice
def test_the_output_intent_profile_has_a_fixed_date(pdfa):
    profile = output_profile(pdfa)
    assert profile[36:40] == b"acsp"
    assert profile[24:36] == PROFILE_DATE


def test_a_profile_id_is_recomputed_for_the_fixed_bytes():
    import hashlib
    header = bytearray(128)
    header[36:40] = b"acsp"
    header[24:36] = bytes(range(12))
    header[84:100] = b"\x01" * 16                      # some ID
    fixed = fixed_profile(bytes(header))
    zeroed = bytearray(fixed)
    zeroed[44:48], zeroed[64:68], zeroed[84:100] = bytes(4), bytes(4), bytes(16)
    assert fixed[84:100] == hashlib.md5(bytes(zeroed)).digest()
    assert fixed_profile(b"not a profile") == b"not a profile"


# --- signed as docs/SIGNING.md shows, still PDF/A ------------------------------------------

def self_signed(folder: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Jeanne Dupont")])
    now = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(1)
            .not_valid_before(now).not_valid_after(now + datetime.timedelta(days=3650))
            .add_extension(x509.KeyUsage(True, True, False, False, False, False, False,
                                         False, False), critical=True)
            .sign(key, hashes.SHA256()))
    key_file, cert_file = folder / "key.pem", folder / "cert.pem"
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key_file, cert_file


def sign(pdf: Path, target: Path, embedded_font: bool) -> Path:
    """docs/SIGNING.md's Python recipe (embedded_font=False: pyHanko's default stamp)."""
    pytest.importorskip("fontTools", reason="pip install 'pyHanko[opentype]'")
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.sign import signers
    from pyhanko.stamp import TextStampStyle
    key, cert = self_signed(target.parent)
    signer = signers.SimpleSigner.load(str(key), str(cert))
    style = TextStampStyle(stamp_text="Signé par %(signer)s\n%(ts)s",
                           text_box_style=TextBoxStyle(font=GlyphAccumulatorFactory(
                               str(FONT)))) if embedded_font else None
    meta = signers.PdfSignatureMetadata(field_name="provider_signature",
                                        reason="Bon pour accord")
    with open(pdf, "rb") as inp, open(target, "wb") as out:
        signers.PdfSigner(meta, signer=signer, stamp_style=style).sign_pdf(
            IncrementalPdfFileWriter(inp), output=out)
    return target


def fonts_of(reader: PdfReader) -> list[tuple[str, bool]]:
    """(name, embedded) for every font any page, annotation appearance or form uses."""
    found, seen = [], set()

    def visit(obj, depth=0):
        if isinstance(obj, IndirectObject):
            if obj.idnum in seen or depth > 40:
                return
            seen.add(obj.idnum)
            obj = obj.get_object()
        if hasattr(obj, "get_object"):
            obj = obj.get_object()
        if isinstance(obj, dict):
            if obj.get("/Type") == "/Font" and obj.get("/Subtype") != "/Type3":
                found.append((str(obj.get("/BaseFont")), embedded(obj)))
            for key, value in obj.items():
                if key not in ("/Parent", "/P"):
                    visit(value, depth + 1)
        elif isinstance(obj, list):
            for value in obj:
                visit(value, depth + 1)
    visit(reader.trailer["/Root"])
    return found


def embedded(font) -> bool:
    if font.get("/Subtype") == "/Type0":
        return all(embedded(d.get_object()) for d in font["/DescendantFonts"])
    descriptor = font.get("/FontDescriptor")
    descriptor = descriptor.get_object() if descriptor is not None else {}
    return any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))


@needs_libreoffice
@pytest.mark.skipif(not FONT.exists(), reason="needs fonts-dejavu-core")
def test_a_pdfa_signed_with_an_embedded_stamp_font_keeps_every_font_embedded(pdfa, tmp_path):
    signed = sign(pdfa, tmp_path / "signed.pdf", embedded_font=True)
    reader = PdfReader(signed)
    fonts = fonts_of(reader)
    assert any("DejaVuSans" in name for name, _ in fonts)        # the stamp's font
    assert fonts and all(ok for _, ok in fonts), [n for n, ok in fonts if not ok]
    assert signed.read_bytes().startswith(pdfa.read_bytes())     # incremental update
    info = read_pdf_info(signed.read_bytes())
    assert info["pdfa"] == "2B"                  # still declared (pyHanko rewrites the XMP)
    fields = {f["name"]: f for f in info["signature_fields"]}
    assert fields["provider_signature"]["signed"] and not fields["client_signature"]["signed"]


@needs_libreoffice
def test_the_default_pyhanko_stamp_would_break_pdfa(pdfa, tmp_path):
    """Why SIGNING.md names a font: the check above fails on the default (Courier)."""
    signed = sign(pdfa, tmp_path / "default.pdf", embedded_font=False)
    assert any(not ok for _, ok in fonts_of(PdfReader(signed)))


# --- standard PDFs tagged, with /Lang ------------------------------------------------------

@needs_libreoffice
@pytest.mark.parametrize("sample,lang", [("contract-b2b.yaml", "fr-FR"),
                                         ("batch/ct-2026-0102-martin-en.yaml", "en-GB")])
def test_a_standard_pdf_is_tagged_with_the_document_language(tmp_path, sample, lang):
    root = PdfReader(build(sample, tmp_path)).trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == lang
