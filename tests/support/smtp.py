"""A real SMTP server (aiosmtpd) on a free loopback port, in the test's event loop.

It keeps every message it accepted, can be stopped and started again on the same port (an
SMTP outage), and can hold messages mid-DATA (``hold_after``) so a test can kill the sender
while the server has not yet answered: the server then refuses them, as a real one would
whose client vanished before the end of the transaction.
"""

from __future__ import annotations

import asyncio
import ssl
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import timedelta
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from functools import partial
from typing import Any

import pytest_asyncio
from aiosmtpd.smtp import SMTP, Envelope, Session

from mail.config import MailConfig
from tests.support.ports import free_ports


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    at: float  # time.monotonic() when accepted

    @property
    def message_id(self) -> str:
        return str(self.message["Message-ID"])

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    def text(self) -> str:
        part = self.message.get_body(preferencelist=("plain",))
        assert part is not None
        return str(part.get_content())  # type: ignore[attr-defined]

    def html(self) -> str:
        part = self.message.get_body(preferencelist=("html",))
        assert part is not None
        return str(part.get_content())  # type: ignore[attr-defined]

    def calendar(self) -> tuple[bytes, dict[str, str]]:
        """The .ics attachment's bytes and its Content-Type parameters."""
        for part in self.message.iter_attachments():
            if part.get_content_type() == "text/calendar":
                params = {k.lower(): v for k, v in part.get_params() or [] if v}
                return part.get_payload(decode=True), params  # type: ignore[return-value]
        raise AssertionError(f"no calendar attachment in {self.subject!r}")


@dataclass
class Inbox:
    """What the server accepted, in order."""

    received: list[Received] = field(default_factory=list)
    accept_first: int | None = None  # hold every message after this many were accepted
    release: asyncio.Event = field(default_factory=asyncio.Event)
    waiting: int = 0  # messages held now

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.accept_first is not None and len(self.received) >= self.accept_first:
            self.waiting += 1
            await self.release.wait()
            self.waiting -= 1
            return "451 4.3.0 Transaction not completed: the client went away"
        raw = envelope.original_content or envelope.content
        assert isinstance(raw, bytes)
        message = message_from_bytes(raw, policy=default)
        assert isinstance(message, EmailMessage)
        rcpts = [str(r) for r in envelope.rcpt_tos]
        self.received.append(Received(str(envelope.mail_from), rcpts, message, time.monotonic()))
        return "250 OK"

    def to(self, address: str) -> list[Received]:
        return [r for r in self.received if address in r.rcpt_tos]

    async def wait_for(self, count: int, *, within: float = 10.0) -> list[Received]:
        deadline = time.monotonic() + within
        while len(self.received) < count:
            if time.monotonic() > deadline:
                subjects = [r.subject for r in self.received]
                raise AssertionError(f"{len(self.received)} of {count} mails arrived: {subjects}")
            await asyncio.sleep(0.02)
        return list(self.received)


class SmtpServer:
    """``tls``: TLS from the first byte (as on port 465); ``starttls``: plain until the
    client upgrades with STARTTLS, which it must before sending."""

    def __init__(
        self,
        port: int,
        *,
        tls: ssl.SSLContext | None = None,
        starttls: ssl.SSLContext | None = None,
    ) -> None:
        self.host = "127.0.0.1"
        self.port = port
        self.inbox = Inbox()
        self._tls = tls
        self._starttls = starttls
        self._server: asyncio.Server | None = None

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        factory = partial(
            SMTP,
            self.inbox,
            hostname="smtp.test",
            ident="test SMTP",
            tls_context=self._starttls,
            require_starttls=self._starttls is not None,
        )
        self._server = await loop.create_server(factory, self.host, self.port, ssl=self._tls)

    async def stop(self) -> None:
        """Stop listening: an outage (the sender opens a connection for every batch)."""
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    def hold_after(self, accepted: int) -> asyncio.Event:
        """Accept ``accepted`` messages, then hold each next one mid-DATA until the returned
        event is set, and refuse it then; later ones are accepted again."""
        self.inbox.accept_first = accepted
        self.inbox.release = asyncio.Event()
        return self.inbox.release

    def accept_all(self) -> None:
        self.inbox.accept_first = None


@pytest_asyncio.fixture(loop_scope="session")
async def smtp_server() -> AsyncIterator[SmtpServer]:
    server = SmtpServer(free_ports(1)[0])
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


def mail_config(server: SmtpServer, **changes: Any) -> MailConfig:
    """Mail through ``server``; the worker looks at the outbox every 50 ms."""
    settings: dict[str, Any] = {
        "smtp_host": server.host,
        "smtp_port": server.port,
        "starttls": False,
        "public_url": "http://colearn.test",
        "poll": timedelta(milliseconds=50),
    }
    return MailConfig(**{**settings, **changes})
