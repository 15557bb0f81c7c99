"""The e-mails of ``contratgen collect --send``: one message per letter, to the client's
e-mail, in the deal's language, the letter attached; sent through SMTP (the standard
library's :mod:`smtplib`).

The message is a value made from the letter and the policy's text: the same letter gives
the same bytes (dated by the letter, never by the clock), and its ``Message-ID`` depends
only on the deal, the invoice and the step, so a message sent again after a crash is
recognisably the same one. The login comes from the environment
(``CONTRATGEN_SMTP_USER``, ``CONTRATGEN_SMTP_PASSWORD``), never from a file or an argument.
"""
from __future__ import annotations

import datetime
import hashlib
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from typing import Mapping, Optional
from urllib.parse import urlsplit

from ..diagnostics import ExternalError

SCHEMES = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}
USER_VARIABLE = "CONTRATGEN_SMTP_USER"
PASSWORD_VARIABLE = "CONTRATGEN_SMTP_PASSWORD"
TIMEOUT = 60   # seconds for one SMTP exchange


@dataclass(frozen=True)
class SmtpServer:
    """Where to send: ``smtp://host:port`` (plain), ``smtp+starttls://`` or ``smtps://``."""
    scheme: str
    host: str
    port: int

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.host}:{self.port}"


def parse_smtp_url(url: str) -> SmtpServer:
    """The server of an ``--smtp`` URL; ValueError (a usage error) when it is not one, or
    when it carries a login (the login comes from the environment)."""
    parts = urlsplit(url)
    if parts.scheme not in SCHEMES:
        raise ValueError(f"--smtp {url!r}: the scheme is one of "
                         f"{', '.join(s + '://' for s in SCHEMES)}")
    if parts.username or parts.password:
        raise ValueError(f"--smtp: no login in the URL; set {USER_VARIABLE} and "
                         f"{PASSWORD_VARIABLE}")
    if not parts.hostname or parts.path not in ("", "/") or parts.query:
        raise ValueError(f"--smtp {url!r}: give scheme://host[:port]")
    try:
        port = parts.port or SCHEMES[parts.scheme]
    except ValueError:
        raise ValueError(f"--smtp {url!r}: the port is a number from 1 to 65535") from None
    return SmtpServer(parts.scheme, parts.hostname, port)


def message_id(provider: str, contract: str, invoice: str, level: str, sender: str) -> str:
    """The same ``Message-ID`` for the same (deal, invoice, step), whatever the day."""
    digest = hashlib.sha256("\0".join((provider, contract, invoice, level))
                            .encode("utf-8")).hexdigest()[:32]
    domain = sender.rpartition("@")[2] or "contratgen.invalid"
    return f"<{digest}.{level}@{domain}>"


@dataclass(frozen=True)
class Mail:
    """What one e-mail says."""
    sender_name: str
    sender: str
    recipient_name: str
    recipient: str
    subject: str
    body: str
    day: datetime.date
    message_id: str
    attachment_name: str
    attachment: bytes
    language: str


_TYPES = {"pdf": ("application", "pdf"), "docx": (
    "application", "vnd.openxmlformats-officedocument.wordprocessingml.document")}


def build_message(mail: Mail) -> EmailMessage:
    """The MIME message: text in the client's language, the letter attached."""
    msg = EmailMessage()
    msg["From"] = formataddr((mail.sender_name, mail.sender))
    msg["To"] = formataddr((mail.recipient_name, mail.recipient))
    msg["Subject"] = mail.subject
    msg["Date"] = format_datetime(datetime.datetime.combine(
        mail.day, datetime.time(8, 0), datetime.timezone.utc))
    msg["Message-ID"] = mail.message_id
    msg["Auto-Submitted"] = "auto-generated"     # RFC 3834: no auto-reply loops
    msg.set_content(mail.body)
    maintype, subtype = _TYPES[mail.attachment_name.rsplit(".", 1)[-1]]
    msg.add_attachment(mail.attachment, maintype=maintype, subtype=subtype,
                       filename=mail.attachment_name)
    msg["Content-Language"] = mail.language   # after: the parts were made from the headers
    return msg


class Mailer:
    """One SMTP session for a run; :meth:`send` one message at a time."""

    def __init__(self, server: SmtpServer, environ: Mapping[str, str]):
        self.server = server
        self.user = environ.get(USER_VARIABLE) or None
        self.password = environ.get(PASSWORD_VARIABLE) or None
        if self.user and self.password is None:
            raise ExternalError(f"{USER_VARIABLE} is set but {PASSWORD_VARIABLE} is not")
        self.session: Optional[smtplib.SMTP] = None

    def _open(self) -> smtplib.SMTP:
        host, port, scheme = self.server.host, self.server.port, self.server.scheme
        context = ssl.create_default_context()
        if scheme == "smtps":
            session = smtplib.SMTP_SSL(host, port, timeout=TIMEOUT, context=context)
        else:
            session = smtplib.SMTP(host, port, timeout=TIMEOUT)
            if scheme == "smtp+starttls":
                session.starttls(context=context)
        if self.user:
            if scheme == "smtp":
                session.close()
                raise ExternalError(f"{self.server.url}: refusing to send a password over "
                                    "a plain connection; use smtp+starttls:// or smtps://")
            session.login(self.user, self.password)
        return session

    def send(self, message: EmailMessage) -> None:
        """Hand one message to the server; :class:`ExternalError` when it is refused or the
        server cannot be reached (nothing else was sent by this call)."""
        try:
            if self.session is None:
                self.session = self._open()
            refused = self.session.send_message(message)
        except (smtplib.SMTPException, OSError) as exc:
            self.close()
            raise ExternalError(f"{self.server.url}: {message['To']}: {describe(exc)}") \
                from None
        if refused:
            raise ExternalError(f"{self.server.url}: refused {', '.join(refused)}")

    def close(self) -> None:
        if self.session is not None:
            try:
                self.session.quit()
            except (smtplib.SMTPException, OSError):
                self.session.close()
            self.session = None

    def __enter__(self) -> "Mailer":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def describe(exc: Exception) -> str:
    """An SMTP failure in one line (the server's code and words when it said any)."""
    code = getattr(exc, "smtp_code", None)
    error = getattr(exc, "smtp_error", b"")
    if code is not None:
        words = error.decode("utf-8", "replace") if isinstance(error, bytes) else str(error)
        return f"{code} {words}".strip()
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "recipients refused: " + ", ".join(exc.recipients)
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
