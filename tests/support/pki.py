"""A throw-away PKI for the signing tests: a root CA, certificates it issues (a provider,
a client, a time-stamping authority), PKCS#12 files, and an RFC 3161 time-stamp server
on loopback (pyHanko's DummyTimeStamper behind a real HTTP server)."""
from __future__ import annotations

import datetime
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from asn1crypto import keys as asn1_keys, tsp, x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

NOW = datetime.datetime.now(datetime.timezone.utc)


@dataclass
class Identity:
    key: rsa.RSAPrivateKey
    cert: x509.Certificate

    @property
    def pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)

    def p12(self, passphrase: bytes, chain=()) -> bytes:
        return pkcs12.serialize_key_and_certificates(
            b"signer", self.key, self.cert, [c.cert for c in chain],
            serialization.BestAvailableEncryption(passphrase))

    def asn1(self):
        cert = asn1_x509.Certificate.load(self.cert.public_bytes(serialization.Encoding.DER))
        key = asn1_keys.PrivateKeyInfo.load(self.key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption()))
        return cert, key


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common),
                      x509.NameAttribute(NameOID.COUNTRY_NAME, "FR")])


def _usage(ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(digital_signature=True, content_commitment=not ca,
                         key_encipherment=False, data_encipherment=False, key_agreement=False,
                         key_cert_sign=ca, crl_sign=ca, encipher_only=False,
                         decipher_only=False)


def authority(common: str = "contratgen test CA") -> Identity:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = (x509.CertificateBuilder().subject_name(_name(common)).issuer_name(_name(common))
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(NOW - datetime.timedelta(days=1))
            .not_valid_after(NOW + datetime.timedelta(days=60))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(_usage(True), critical=True)
            .sign(key, hashes.SHA256()))
    return Identity(key, cert)


def issue(ca: Identity, common: str, timestamping: bool = False,
          crl_url: str | None = None) -> Identity:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    builder = (x509.CertificateBuilder().subject_name(_name(common))
               .issuer_name(ca.cert.subject).public_key(key.public_key())
               .serial_number(x509.random_serial_number())
               .not_valid_before(NOW - datetime.timedelta(hours=1))
               .not_valid_after(NOW + datetime.timedelta(days=30))
               .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
               .add_extension(_usage(False), critical=True))
    if timestamping:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
    if crl_url:
        builder = builder.add_extension(x509.CRLDistributionPoints([x509.DistributionPoint(
            full_name=[x509.UniformResourceIdentifier(crl_url)], relative_name=None,
            reasons=None, crl_issuer=None)]), critical=False)
    return Identity(key, builder.sign(ca.key, hashes.SHA256()))


class TimeStampServer:
    """An RFC 3161 time-stamp authority on 127.0.0.1 (HTTP POST of a TimeStampReq)."""

    def __init__(self, tsa: Identity, ca: Identity, fixed: datetime.datetime | None = None):
        from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
        cert, key = tsa.asn1()
        stamper = DummyTimeStamper(cert, key, certs_to_embed=[cert, ca.asn1()[0]],
                                   fixed_dt=fixed)
        self.requests = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                response = stamper.request_tsa_response(tsp.TimeStampReq.load(body)).dump()
                outer.requests += 1
                self.send_response(200)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", str(len(response)))
                self.end_headers()
                self.wfile.write(response)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def revocation_list(ca: Identity) -> bytes:
    """The CA's CRL (DER), revoking nothing, valid a day."""
    return (x509.CertificateRevocationListBuilder().issuer_name(ca.cert.subject)
            .last_update(NOW - datetime.timedelta(hours=1))
            .next_update(NOW + datetime.timedelta(days=1))
            .sign(ca.key, hashes.SHA256()).public_bytes(serialization.Encoding.DER))


class CrlServer:
    """The CA's CRL over HTTP on 127.0.0.1, as a certificate's distribution point names it."""

    def __init__(self):
        self.crl = b""
        self.requests = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                outer.requests += 1
                self.send_response(200)
                self.send_header("Content-Type", "application/pkix-crl")
                self.send_header("Content-Length", str(len(outer.crl)))
                self.end_headers()
                self.wfile.write(outer.crl)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/ca.crl"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
