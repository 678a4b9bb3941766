"""Mail over an encrypted connection to a real SMTP server (aiosmtpd): TLS from the first
byte (port 465) or a required STARTTLS, the server's certificate checked against the
authorities named in COLEARN_SMTP_CA_FILE. A certificate nobody vouches for sends nothing:
the mail waits in the outbox for a retry."""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
import trustme

from colearn.config import ConfigError
from db import Database, outbox
from mail.config import MailConfig
from tests.support.api_client import running_api
from tests.support.ports import free_ports
from tests.support.smtp import SmtpServer, mail_config
from tests.support.waiting import eventually
from tests.test_mail_delivery import _book_many


def _certificate(authority: trustme.CA) -> ssl.SSLContext:
    """The server's side: a certificate for 127.0.0.1 issued by ``authority``."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(context)
    return context


@asynccontextmanager
async def _serving(**encryption: ssl.SSLContext) -> AsyncIterator[SmtpServer]:
    server = SmtpServer(free_ports(1)[0], **encryption)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


def _authority_file(authority: trustme.CA, tmp_path: Path) -> str:
    path = tmp_path / "mail-ca.pem"
    authority.cert_pem.write_to_path(str(path))
    return str(path)


@pytest.mark.parametrize(
    ("encryption", "settings"),
    [
        ("tls", {"tls": True, "starttls": False}),
        ("starttls", {"starttls": True}),
    ],
    ids=["implicit-tls", "required-starttls"],
)
async def test_mail_goes_out_encrypted_to_a_certificate_we_trust(
    db_url: str, tmp_path: Path, encryption: str, settings: dict[str, Any]
) -> None:
    authority = trustme.CA()
    # the server speaks only TLS, or refuses mail until STARTTLS: a plain client gets nothing
    async with _serving(**{encryption: _certificate(authority)}) as server:
        config = mail_config(server, ca_file=_authority_file(authority, tmp_path), **settings)
        async with running_api(db_url, mail=config) as api:
            addresses = await _book_many(api, db_url, 2)
            await server.inbox.wait_for(2)
    assert sorted(r for m in server.inbox.received for r in m.rcpt_tos) == sorted(addresses)


async def test_a_certificate_nobody_vouches_for_sends_nothing_and_the_mail_waits(
    db_url: str,
) -> None:
    async with _serving(tls=_certificate(trustme.CA())) as server:
        config = mail_config(server, tls=True)  # the system's authorities: not this one
        async with running_api(db_url, mail=config) as api:
            await _book_many(api, db_url, 1)

            async def refused() -> list[outbox.Mail]:
                db = await Database.open(db_url)
                try:
                    return [m for m in await outbox.mails(db) if m.last_error]
                finally:
                    await db.aclose()

            waiting = await eventually(refused, what="the mail tried once")
    assert server.inbox.received == []
    assert waiting[0].status == "pending"  # tried again later, not lost
    assert "CERTIFICATE_VERIFY_FAILED" in (waiting[0].last_error or "")


def test_tls_settings_come_from_the_environment_and_contradictions_are_refused(
    tmp_path: Path,
) -> None:
    ca = tmp_path / "ca.pem"
    ca.write_text("-----BEGIN CERTIFICATE-----\n")
    config = MailConfig.from_env({"COLEARN_SMTP_TLS": "true", "COLEARN_SMTP_CA_FILE": str(ca)})
    assert (config.tls, config.starttls, config.ca_file) == (True, False, str(ca))
    assert MailConfig.from_env({}).tls is False
    with pytest.raises(ConfigError, match="COLEARN_SMTP_STARTTLS"):
        MailConfig.from_env({"COLEARN_SMTP_TLS": "true", "COLEARN_SMTP_STARTTLS": "true"})
    with pytest.raises(ConfigError, match="COLEARN_SMTP_CA_FILE"):
        MailConfig.from_env({"COLEARN_SMTP_CA_FILE": str(tmp_path / "missing.pem")})
