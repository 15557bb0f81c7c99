"""A real SMTP server on loopback for the tests of ``contratgen collect --send``
(aiosmtpd): it keeps every message it accepted (a message counts only once the server
said 250), and can refuse one message of the run or kill the sending process when it
arrives (the client never hears the 250: the message is not accepted).
"""
from __future__ import annotations

import email
import email.policy
import os
import signal
import socket
from dataclasses import dataclass, field
from typing import Optional

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Inbox:
    """What the server accepted, and how it misbehaves."""
    messages: list = field(default_factory=list)
    refuse_at: Optional[int] = None     # the n-th message of the run (1-based) gets a 554
    kill_at: Optional[int] = None       # … or kills ``victim`` before answering
    victim: Optional[int] = None
    seen: int = 0

    async def handle_DATA(self, server, session, envelope):
        self.seen += 1
        if self.refuse_at == self.seen:
            return "554 5.7.1 refused by the test server"
        if self.kill_at == self.seen and self.victim:
            os.kill(self.victim, signal.SIGKILL)
            return "451 4.3.0 the sender was killed"
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((envelope.rcpt_tos, message))
        return "250 2.0.0 accepted"

    def reset(self, refuse_at=None, kill_at=None, victim=None) -> None:
        self.seen, self.refuse_at, self.kill_at, self.victim = 0, refuse_at, kill_at, victim


class LoopbackSmtp:
    """``with LoopbackSmtp() as smtp: … smtp.url … smtp.inbox.messages``; with ``tls``
    ("starttls" or "smtps") a certificate made for 127.0.0.1 (``cert``: its PEM file, to
    trust through ``SSL_CERT_FILE``) and a login (``user``, ``password``) required."""

    def __init__(self, tls: Optional[str] = None, folder=None,
                 user: str = "collect", password: str = "s3cret"):
        self.inbox = Inbox()
        self.port = free_port()
        self.tls, self.logins = tls, []
        options = {}
        if tls:
            import ssl
            self.cert, key = self_signed(folder)
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(self.cert, key)
            from aiosmtpd.smtp import AuthResult

            def check(server, session, envelope, mechanism, data):
                self.logins.append((data.login.decode(), data.password.decode()))
                ok = (data.login.decode(), data.password.decode()) == (user, password)
                return AuthResult(success=ok)
            options = {"authenticator": check, "auth_required": True,
                       "auth_exclude_mechanism": ["LOGIN"]}   # PLAIN only: one try
            if tls == "smtps":   # aiosmtpd sees no STARTTLS: the socket is TLS already
                options.update(ssl_context=context, auth_require_tls=False)
            else:
                options.update(tls_context=context, require_starttls=True)
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port,
                                     server_hostname="127.0.0.1", **options)

    @property
    def url(self) -> str:
        scheme = {None: "smtp", "starttls": "smtp+starttls", "smtps": "smtps"}[self.tls]
        return f"{scheme}://127.0.0.1:{self.port}"

    def __enter__(self) -> "LoopbackSmtp":
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()


def self_signed(folder) -> tuple[str, str]:
    """A certificate and key for 127.0.0.1, written to ``folder`` (PEM)."""
    import datetime
    import ipaddress
    from pathlib import Path
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    start = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(start).not_valid_after(start.replace(year=2036))
            .add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_file, key_file = Path(folder) / "smtp-cert.pem", Path(folder) / "smtp-key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return str(cert_file), str(key_file)


def attachment(message) -> tuple[str, bytes]:
    """The one attachment of a message: its file name and bytes."""
    (part,) = list(message.iter_attachments())
    return part.get_filename(), part.get_payload(decode=True)


def text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()
