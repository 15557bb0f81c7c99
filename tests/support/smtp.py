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
    """``with LoopbackSmtp() as smtp: … smtp.url … smtp.inbox.messages``."""

    def __init__(self):
        self.inbox = Inbox()
        self.port = free_port()
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def __enter__(self) -> "LoopbackSmtp":
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()


def attachment(message) -> tuple[str, bytes]:
    """The one attachment of a message: its file name and bytes."""
    (part,) = list(message.iter_attachments())
    return part.get_filename(), part.get_payload(decode=True)


def text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()
