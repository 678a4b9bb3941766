"""The outbox sender: claims due mails, renders each once, sends them over SMTP, marks them.

Delivery is at least once. A mail is marked sent right after the SMTP server accepted it
(group-committed with the other lanes' marks), so only a crash in the few milliseconds
between the server's 250 and that commit sends a mail twice, and then with the same
Message-ID, which receivers use to show it once. A failed attempt is retried with backoff
(30 s doubling up to an hour); a permanent refusal (5xx) or ``max_attempts`` marks the mail
failed, where ``python -m api admin outbox list --status failed`` shows it. Nothing is dropped.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import zlib
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta

import aiosmtplib

from db import Database, outbox_claims
from db.outbox import Mail
from mail.compose import compose
from mail.config import MailConfig
from mail.facts import FactCache, gather

log = logging.getLogger("colearn.mail")

FIRST_RETRY = timedelta(seconds=30)
LAST_RETRY = timedelta(hours=1)


def backoff(attempts: int) -> timedelta:
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LAST_RETRY)


def _permanent(exc: Exception) -> bool:
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        return all(500 <= r.code < 600 for r in exc.recipients)
    return isinstance(exc, aiosmtplib.SMTPResponseException) and 500 <= exc.code < 600


class Sender:
    """Sends what is due in the outbox, in rounds; ``send_due`` is one round."""

    def __init__(
        self, db: Database, config: MailConfig, clock: Callable[[], datetime], owner: str = ""
    ) -> None:
        self.db = db
        self.config = config
        self.clock = clock
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"

    async def send_due(self) -> int:
        """Claim a batch of due mails and send it; how many were sent."""
        now = self.clock()
        if not await outbox_claims.any_due(self.db, now):
            return 0
        batch = await self.db.write(
            outbox_claims.claim, self.owner, now, self.config.lease, self.config.batch
        )
        ready = await self._render(batch)
        # One person's mails share a lane, so they arrive in the order they were written
        # (a confirmation before its cancellation); SEQUENCE orders calendars regardless.
        lanes = max(1, min(self.config.lanes, len(ready)))
        chunks: list[list[Mail]] = [[] for _ in range(lanes)]
        for mail in ready:
            chunks[zlib.crc32(mail.recipient.encode()) % lanes].append(mail)
        sent = await asyncio.gather(*(self._lane(chunk) for chunk in chunks if chunk))
        return sum(sent)

    async def _render(self, batch: list[Mail]) -> list[Mail]:
        """Mails with their message, rendered and stored the first time they are tried."""
        cache = FactCache()
        ready: list[Mail] = []
        rendered: list[tuple[int, str, str]] = []
        for mail in batch:
            if mail.message is not None:
                ready.append(mail)
                continue
            try:
                facts = await gather(self.db, mail, cache)
                # off the event loop: the API serves requests meanwhile
                text, ident = await asyncio.to_thread(compose, facts, self.config, self.clock())
            except Exception as exc:  # a bug, not the network: keep the mail, say which
                log.exception("mail %d (%s) could not be rendered", mail.id, mail.kind)
                await self.db.write(outbox_claims.mark_failed, mail.id, f"render: {exc!r}")
                continue
            rendered.append((mail.id, text, ident))
            ready.append(_with_message(mail, text, ident))
        if rendered:
            await self.db.write(outbox_claims.store_messages, rendered)
        return sorted(ready, key=lambda m: m.id)

    async def _lane(self, mails: list[Mail]) -> int:
        """One SMTP connection sending ``mails`` in order; how many it sent."""
        smtp = aiosmtplib.SMTP(
            hostname=self.config.smtp_host,
            port=self.config.smtp_port,
            start_tls=self.config.starttls,
            use_tls=self.config.tls,
            cert_bundle=self.config.ca_file or None,
            timeout=self.config.smtp_timeout,
        )
        sent = 0
        try:
            await smtp.connect()
            if self.config.smtp_user:
                await smtp.login(self.config.smtp_user, self.config.smtp_password)
        except (aiosmtplib.SMTPException, OSError) as exc:
            await self._later(mails, exc)
            return 0
        try:
            for index, mail in enumerate(mails):
                assert mail.message is not None
                try:
                    await smtp.sendmail(self.config.envelope_from, [mail.recipient], mail.message)
                except (aiosmtplib.SMTPException, OSError) as exc:
                    if _permanent(exc):
                        log.warning(
                            "mail %d (%s) refused for good: %s", mail.id, mail.kind, _code(exc)
                        )
                        await self.db.write(outbox_claims.mark_failed, mail.id, repr(exc))
                        continue
                    await self._later(mails[index:], exc)
                    break
                await self.db.write(outbox_claims.mark_sent, mail.id, self.clock())
                sent += 1
        finally:
            if smtp.is_connected:
                try:
                    await smtp.quit()
                except (aiosmtplib.SMTPException, OSError):
                    smtp.close()
        return sent

    async def _later(self, mails: list[Mail], exc: Exception) -> None:
        now = self.clock()
        log.warning("SMTP failed (%s); %d mail(s) retried later", _code(exc), len(mails))
        for mail in mails:
            if mail.attempts >= self.config.max_attempts:
                await self.db.write(outbox_claims.mark_failed, mail.id, repr(exc))
            else:
                at = now + backoff(mail.attempts)
                await self.db.write(outbox_claims.retry_later, mail.id, at, repr(exc))


def _code(exc: Exception) -> str:
    code = getattr(exc, "code", None)
    return f"{type(exc).__name__} {code}" if code else type(exc).__name__


def _with_message(mail: Mail, text: str, ident: str) -> Mail:
    return replace(mail, message=text, message_id=ident)
