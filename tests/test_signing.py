"""Signed, not just ready for signature: `contratgen sign` (PAdES with pyHanko, B-T with a
time-stamp from a real RFC 3161 server on loopback, B-LT), `contratgen accept` (the
client's signature recorded as document.accepted), and `inspect` showing each signature —
with a throw-away CA made here, checked by pyHanko and by poppler's pdfsig."""
import datetime
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from contratgen.cli import main
from contratgen.signing.verify import signatures
from support.pki import CrlServer, TimeStampServer, authority, issue, revocation_list

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
QUOTE = "quote-b2b.yaml"
PASS = "secret phrase"
pytestmark = pytest.mark.libreoffice


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pki")
    ca = authority()
    provider, client = issue(ca, "Jeanne Dupont"), issue(ca, "Paul Martin")
    (folder / "ca.pem").write_bytes(ca.pem)
    (folder / "provider.p12").write_bytes(provider.p12(PASS.encode(), [ca]))
    (folder / "client.p12").write_bytes(client.p12(PASS.encode(), [ca]))
    stamp = issue(ca, "Horodatage (test)", timestamping=True)
    server = TimeStampServer(stamp, ca)
    # half an hour before midnight in Paris, 1 March 2026 (UTC+1): already 2 March there
    late = TimeStampServer(stamp, ca, fixed=datetime.datetime(2026, 3, 1, 23, 30,
                                                              tzinfo=datetime.timezone.utc))
    yield {"ca": folder / "ca.pem", "provider": folder / "provider.p12",
           "client": folder / "client.p12", "tsa": server, "late_tsa": late}
    server.close()
    late.close()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The sample quote and its PDF/A, built once by the real pipeline (LibreOffice)."""
    folder = tmp_path_factory.mktemp("built")
    shutil.copy(SAMPLES / QUOTE, folder / QUOTE)
    result = CliRunner().invoke(main, ["build", str(folder / QUOTE), "-o", str(folder),
                                       "--format", "pdf", "--pdfa"])
    assert result.exit_code == 0, result.output
    [pdf] = folder.glob("*.pdf")
    return folder / QUOTE, pdf


@pytest.fixture
def deal(built, tmp_path):
    """A copy of the quote and its PDF that a test may change."""
    yaml, pdf = built
    shutil.copy(yaml, tmp_path / QUOTE)
    shutil.copy(pdf, tmp_path / pdf.name)
    return tmp_path / QUOTE, tmp_path / pdf.name


def run(*args, env=None):
    return CliRunner().invoke(main, [str(a) for a in args],
                              env={"CONTRATGEN_P12_PASSWORD": PASS, **(env or {})})


def sign(pdf, p12, out, *more):
    result = run("sign", pdf, "--p12", p12, "-o", out, *more)
    assert result.exit_code == 0, result.output
    return out


def both(deal, pki, tmp_path, *provider_options):
    _, pdf = deal
    sealed = sign(pdf, pki["provider"], tmp_path / "sealed.pdf", *provider_options)
    return sign(sealed, pki["client"], tmp_path / "signed.pdf", "--field", "client_signature")


def pdfsig(path) -> str:
    return subprocess.run(["pdfsig", "-nocert", str(path)], capture_output=True,
                          text=True, check=True).stdout


# --- sign -------------------------------------------------------------------------------

def test_both_signatures_validate_in_pyhanko_and_pdfsig(deal, pki, tmp_path):
    signed = both(deal, pki, tmp_path)
    found = signatures(signed.read_bytes(), [pki["ca"].read_bytes()])
    assert [(s.field, s.signer, s.intact, s.valid, s.trusted, s.changed_after)
            for s in found] == [
        ("provider_signature", "Jeanne Dupont", True, True, True, False),
        ("client_signature", "Paul Martin", True, True, True, False)]
    report = pdfsig(signed)
    assert report.count("Signature Validation: Signature is Valid.") == 2
    assert "Total document signed" in report


def test_a_time_stamped_signature_is_pades_b_t(deal, pki, tmp_path):
    before = pki["tsa"].requests
    sealed = sign(deal[1], pki["provider"], tmp_path / "sealed.pdf", "--tsa", pki["tsa"].url)
    assert pki["tsa"].requests > before
    [found] = signatures(sealed.read_bytes(), [pki["ca"].read_bytes()])
    assert found.timestamped and found.valid and found.trusted
    assert "ETSI.CAdES.detached" in pdfsig(sealed)    # PAdES, not adbe.pkcs7


def test_a_long_term_signature_embeds_its_revocation_data(deal, tmp_path):
    """PAdES B-LT: the CRL that the certificate names is fetched (from a server on
    loopback) and embedded with the certificates in the document security store."""
    crls = CrlServer()
    try:
        ca = authority("contratgen test CA (CRL)")
        crls.crl = revocation_list(ca)
        signer = issue(ca, "Jeanne Dupont", crl_url=crls.url)
        (tmp_path / "ca.pem").write_bytes(ca.pem)
        (tmp_path / "me.p12").write_bytes(signer.p12(PASS.encode(), [ca]))
        sealed = sign(deal[1], tmp_path / "me.p12", tmp_path / "sealed.pdf", "--long-term",
                      "--trust", tmp_path / "ca.pem")
    finally:
        crls.close()
    assert crls.requests >= 1
    dss = PdfReader(sealed).trailer["/Root"]["/DSS"]
    assert dss["/Certs"] and dss["/CRLs"]


def test_a_long_term_signature_without_revocation_data_is_refused(deal, pki, tmp_path):
    # the test CA's certificates name no CRL nor OCSP: B-LT cannot be made, and says why
    result = run("sign", deal[1], "--p12", pki["provider"], "--long-term",
                 "--trust", pki["ca"], "-o", tmp_path / "s.pdf")
    assert result.exit_code == 1 and "[sign.signer]" in result.output
    assert "Traceback" not in result.output and not (tmp_path / "s.pdf").exists()


def test_a_signed_pdfa_stays_pdfa(deal, pki, tmp_path):
    signed = both(deal, pki, tmp_path)
    reader = PdfReader(signed)
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")
    assert re.search(r'pdfaid:part(="|>)2', xmp) and re.search(r'pdfaid:conformance(="|>)B', xmp)
    # our property keeps the prefix its extension schema declares
    assert 'xmlns:contratgen="http://ns.contratgen.org/provenance/1.0/"' in xmp
    assert re.search(r"pdfaSchema:prefix(=\"|>)contratgen", xmp)
    # the Info dictionary and the XMP say the same (ISO 19005-2, 6.6.2.3)
    info = reader.trailer["/Info"]
    producer = re.search(r'pdf:Producer(?:="|>)([^"<]*)', xmp).group(1)
    assert info["/Producer"] == producer
    modified = re.search(r'xmp:ModifyDate(?:="|>)([^"<]*)', xmp).group(1)
    assert info["/ModDate"][2:16] == re.sub(r"\D", "", modified)[:14]
    # every font, the signatures' appearances included, is embedded
    for font in fonts(reader):
        descriptor = font.get("/FontDescriptor") or \
            font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), font


def fonts(reader):
    seen, todo = [], [reader.trailer["/Root"]]
    visited = set()
    while todo:
        node = todo.pop()
        if id(node) in visited:
            continue
        visited.add(id(node))
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, dict):
            if node.get("/Type") == "/Font" and node.get("/Subtype") != "/Type3":
                seen.append(node)
            todo.extend(v for k, v in node.items() if k not in ("/Parent", "/P"))
        elif isinstance(node, list):
            todo.extend(node)
    assert seen
    return seen


def test_an_already_signed_or_unknown_field_is_refused(deal, pki, tmp_path):
    sealed = sign(deal[1], pki["provider"], tmp_path / "sealed.pdf")
    again = run("sign", sealed, "--p12", pki["provider"], "-o", tmp_path / "again.pdf")
    assert again.exit_code == 1 and "already signed" in again.output
    unknown = run("sign", sealed, "--p12", pki["provider"], "--field", "witness",
                  "-o", tmp_path / "x.pdf")
    assert unknown.exit_code == 1 and "no signature field 'witness'" in unknown.output
    assert not (tmp_path / "again.pdf").exists() and not (tmp_path / "x.pdf").exists()


def test_a_wrong_passphrase_is_a_clear_error(deal, pki, tmp_path):
    result = run("sign", deal[1], "--p12", pki["provider"], "-o", tmp_path / "s.pdf",
                 env={"CONTRATGEN_P12_PASSWORD": "not it"})
    assert result.exit_code == 1 and "[sign.p12]" in result.output
    assert "Traceback" not in result.output


def test_the_passphrase_is_never_an_argument(deal, pki, tmp_path):
    assert "pass" not in run("sign", "--help").output.lower().replace("passphrase from", "")
    result = CliRunner().invoke(main, ["sign", str(deal[1]), "--p12", str(pki["provider"]),
                                       "-o", str(tmp_path / "s.pdf")], env={})
    assert result.exit_code == 2 and "CONTRATGEN_P12_PASSWORD" in result.output


# --- accept -----------------------------------------------------------------------------

def test_accept_records_the_client_signature_date_in_paris_and_place(deal, pki, tmp_path):
    yaml, pdf = deal
    sealed = sign(pdf, pki["provider"], tmp_path / "sealed.pdf")
    signed = sign(sealed, pki["client"], tmp_path / "signed.pdf", "--field", "client_signature",
                  "--tsa", pki["late_tsa"].url)
    comments = [l for l in yaml.read_text("utf-8").splitlines() if l.lstrip().startswith("#")]
    result = run("accept", signed, yaml, "--place", "Lyon", "--trust", pki["ca"])
    assert result.exit_code == 0, result.output
    text = yaml.read_text("utf-8")
    # time-stamped 1 March 2026, 23:30 UTC: 2 March in Paris
    assert "accepted: {date: 2026-03-02, place: Lyon}" in text
    assert all(line in text.splitlines() for line in comments)


def test_accept_refuses_a_pdf_changed_after_the_client_signature(deal, pki, tmp_path):
    yaml, _ = deal
    signed = both(deal, pki, tmp_path)
    # an incremental update after the client signed: a line of text added on page 1
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, NameObject, ArrayObject
    writer = PdfWriter(signed, incremental=True)
    page = writer.pages[0]
    extra = DecodedStreamObject()
    extra.set_data(b"BT /F1 12 Tf 72 72 Td (Remise 50 %) Tj ET")
    old = page.raw_get("/Contents")
    parts = list(old.get_object()) if isinstance(old.get_object(), ArrayObject) else [old]
    page[NameObject("/Contents")] = ArrayObject(parts + [writer._add_object(extra)])
    with open(tmp_path / "changed.pdf", "wb") as out:
        writer.write(out)
    before = yaml.read_bytes()
    result = run("accept", tmp_path / "changed.pdf", yaml, "--place", "Lyon",
                 "--trust", pki["ca"])
    assert result.exit_code == 1 and "[accept.signature]" in result.output
    assert "changed after the client's signature" in result.output
    assert "Traceback" not in result.output
    assert yaml.read_bytes() == before


def test_accept_refuses_the_provider_certificate_in_the_client_field(deal, pki, tmp_path):
    yaml, pdf = deal
    sealed = sign(pdf, pki["provider"], tmp_path / "sealed.pdf")
    signed = sign(sealed, pki["provider"], tmp_path / "self.pdf", "--field", "client_signature")
    result = run("accept", signed, yaml, "--place", "Lyon", "--trust", pki["ca"])
    assert result.exit_code == 1 and "provider's own certificate" in result.output


def test_accept_refuses_a_pdf_changed_after_the_client_signed(deal, pki, tmp_path):
    yaml, _ = deal
    signed = both(deal, pki, tmp_path).read_bytes()
    # one character of the signed content changed: the document number in the title of
    # the first revision's metadata
    title = b"Devis DV-2026-0107</rdf:li>"
    assert title in signed
    forged = signed.replace(title, title.replace(b"0107", b"0108"), 1)
    (tmp_path / "forged.pdf").write_bytes(forged)
    before = yaml.read_bytes()
    result = run("accept", tmp_path / "forged.pdf", yaml, "--place", "Lyon",
                 "--trust", pki["ca"])
    assert result.exit_code == 1
    assert f"{yaml.name}:" in result.output and "[accept.signature]" in result.output
    assert "changed" in result.output
    assert yaml.read_bytes() == before


def test_accept_refuses_an_untrusted_signature(deal, pki, tmp_path):
    yaml, _ = deal
    signed = both(deal, pki, tmp_path)
    result = run("accept", signed, yaml, "--place", "Lyon")
    assert result.exit_code == 1 and "not trusted" in result.output
    assert "Traceback" not in result.output


def test_accept_refuses_a_pdf_without_the_client_signature(deal, pki, tmp_path):
    yaml, pdf = deal
    sealed = sign(pdf, pki["provider"], tmp_path / "sealed.pdf")
    result = run("accept", sealed, yaml, "--place", "Lyon", "--trust", pki["ca"])
    assert result.exit_code == 1 and "no signature in the client's field" in result.output


def test_accept_refuses_a_pdf_of_another_version_of_the_file(deal, pki, tmp_path):
    yaml, _ = deal
    signed = both(deal, pki, tmp_path)
    yaml.write_text(yaml.read_text("utf-8") + "\n# edited after the PDF was built\n", "utf-8")
    result = run("accept", signed, yaml, "--place", "Lyon", "--trust", pki["ca"])
    assert result.exit_code == 1 and "changed since" in result.output


# --- inspect ----------------------------------------------------------------------------

def test_inspect_shows_each_signature_and_whether_it_is_trusted(deal, pki, tmp_path):
    signed = both(deal, pki, tmp_path)
    trusted = run("inspect", signed, "--trust", pki["ca"]).output
    assert "signature in provider_signature: Jeanne Dupont" in trusted
    assert "signature in client_signature: Paul Martin" in trusted
    assert trusted.count("valid, trusted") == 2
    untrusted = run("inspect", signed).output
    assert untrusted.count("NOT TRUSTED") == 2
    assert "Traceback" not in untrusted


def test_accept_refuses_a_damaged_signature_without_a_traceback(deal, pki, tmp_path):
    yaml, _ = deal
    signed = both(deal, pki, tmp_path).read_bytes()
    # the client's signature value (the last /Contents <hex>) with its first bytes zeroed
    at = signed.rindex(b"/Contents <") + len(b"/Contents <")
    damaged = signed[:at] + b"0" * 64 + signed[at + 64:]
    (tmp_path / "damaged.pdf").write_bytes(damaged)
    result = run("accept", tmp_path / "damaged.pdf", yaml, "--place", "Lyon",
                 "--trust", pki["ca"])
    assert result.exit_code == 1
    assert f"{yaml.name}:" in result.output and "[accept.signature]" in result.output
    assert "Traceback" not in result.output


# --- anchors for signing services -------------------------------------------------------

@pytest.mark.parametrize("service, provider, client", [
    ("yousign", "{{s1|signature|", "{{s2|signature|"),
    ("docuseal", "{{Signature Prestataire;type=signature;role=Prestataire;",
     "{{Signature Client;type=signature;role=Client;"),
])
def test_anchors_are_in_the_text_and_change_nothing_visible(built, tmp_path, service,
                                                           provider, client):
    yaml, plain = built
    out = tmp_path / service
    result = CliRunner().invoke(main, ["build", str(yaml), "-o", str(out), "--format", "pdf",
                                       "--pdfa", "--anchors", service])
    assert result.exit_code == 0, result.output
    [anchored] = out.glob("*.pdf")
    text = subprocess.run(["pdftotext", "-layout", str(anchored), "-"], capture_output=True,
                          text=True, check=True).stdout
    line = next(l for l in text.splitlines() if provider in l)
    assert client in line                     # both under the blocks, side by side
    last = str(len(PdfReader(anchored).pages))
    pictures = []
    for pdf in (plain, anchored):
        prefix = tmp_path / f"{pdf.parent.name}-{service}"
        subprocess.run(["pdftoppm", "-r", "60", "-gray", "-f", last, "-l", last, str(pdf),
                        str(prefix)], check=True)
        [png] = tmp_path.glob(f"{prefix.name}*")
        pictures.append(png.read_bytes())
    assert pictures[0] == pictures[1]         # not one pixel changed
    assert anchored.read_bytes().startswith(plain.read_bytes())   # an incremental update
