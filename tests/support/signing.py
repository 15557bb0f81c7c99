"""Signing in tests: a self-signed certificate made for the run and a pyHanko signer
(conftest's ``signer`` fixture), signing one field, validating every
signature, and where a text run sits on a page. Shared by test_finalize.py and
test_pdf_build.py."""
from __future__ import annotations

import datetime
import io

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pypdf import PdfReader


def make_signer():
    """A self-signed certificate made for the test, and a pyHanko signer."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Jeanne Dupont (test)")])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(
            digital_signature=True, content_commitment=True, key_encipherment=False,
            data_encipherment=False, key_agreement=False, key_cert_sign=True,
            crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
        .sign(key, hashes.SHA256()))
    cert = asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))
    private_key = asn1_keys.PrivateKeyInfo.load(key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    return cert, signers.SimpleSigner(
        signing_cert=cert, signing_key=private_key,
        cert_registry=SimpleCertificateStore.from_certs([cert]))


def sign(pdf: bytes, field: str, signer) -> bytes:
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    metadata = signers.PdfSignatureMetadata(field_name=field)
    return signers.sign_pdf(writer, metadata, signer=signer).getvalue()


def signature_statuses(pdf: bytes, cert) -> dict:
    reader = PdfFileReader(io.BytesIO(pdf))
    return {signature.field_name: validate_pdf_signature(
                signature, ValidationContext(trust_roots=[cert]))
            for signature in reader.embedded_signatures}


def lines_named(pdf: bytes, text: str) -> list[tuple[int, float, float]]:
    """(page number, x, y) of each text run equal to ``text``."""
    found = []
    for number, page in enumerate(PdfReader(io.BytesIO(pdf)).pages, start=1):
        def visit(run, cm, tm, font, size, number=number):
            if run.strip() == text:
                found.append((number, tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5]))
        page.extract_text(visitor_text=visit)
    return found
