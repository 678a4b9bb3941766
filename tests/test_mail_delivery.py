"""Delivery through a real SMTP server: an outage delays mail but loses none and sends none
twice, and neither does killing the sender in the middle of a batch."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import zlib
from collections import Counter
from datetime import timedelta
from pathlib import Path

from db import Database, outbox
from mail.config import MailConfig
from tests.support.api_client import Api, running_api, seed_participants
from tests.support.smtp import SmtpServer, mail_config
from tests.support.waiting import eventually

ROOT = Path(__file__).resolve().parent.parent
LANES = MailConfig().lanes


async def _book_many(api: Api, db_url: str, count: int, capacity: int = 100) -> list[str]:
    """``count`` people book one occurrence; their addresses."""
    ada = await api.register("facilitator")
    session = await api.create_session(ada, capacity=capacity)
    occurrence = session["occurrences"][0]["id"]
    tokens = await seed_participants(
        db_url, count, valid_until=api.clock.now + timedelta(days=30), prefix=f"p{occurrence}"
    )
    for token in tokens:
        reply = await api.call(
            "POST",
            f"/api/occurrences/{occurrence}/bookings",
            headers={"Authorization": f"Bearer {token}"},
        )
        assert reply.status == 201, reply.body
    return [f"p{occurrence}-{n}@example.org" for n in range(count)]


async def _statuses(db_url: str) -> Counter[str]:
    db = await Database.open(db_url)
    try:
        return Counter(m.status for m in await outbox.mails(db, limit=10_000))
    finally:
        await db.aclose()


async def test_an_smtp_outage_delays_mail_and_loses_none(
    db_url: str, smtp_server: SmtpServer
) -> None:
    await smtp_server.stop()
    async with running_api(db_url, mail=mail_config(smtp_server)) as api:
        addresses = await _book_many(api, db_url, 5)

        async def all_tried() -> bool:
            db = await Database.open(db_url)
            try:
                mails = await outbox.mails(db)
            finally:
                await db.aclose()
            return len(mails) == 5 and all(m.attempts >= 1 and m.last_error for m in mails)

        await eventually(all_tried, what="every mail tried once while SMTP is down")
        assert smtp_server.inbox.received == []
        assert await _statuses(db_url) == {"pending": 5}

        await smtp_server.start()
        await asyncio.sleep(0.3)  # the server is back, but nothing is due before the backoff
        assert smtp_server.inbox.received == []
        api.clock.advance(minutes=1)  # the first retry comes 30 s after a failure
        await smtp_server.inbox.wait_for(5)
        api.clock.advance(hours=2)
        await asyncio.sleep(0.3)  # a later round would show a second copy
    got = Counter(address for m in smtp_server.inbox.received for address in m.rcpt_tos)
    assert got == Counter(addresses)
    assert len({m.message_id for m in smtp_server.inbox.received}) == 5
    assert await _statuses(db_url) == {"sent": 5}


def _sender(db_url: str, smtp: SmtpServer, log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "COLEARN_DB": str(db_url),
        "COLEARN_SMTP_HOST": smtp.host,
        "COLEARN_SMTP_PORT": str(smtp.port),
        "COLEARN_SMTP_STARTTLS": "false",
        "COLEARN_MAIL_POLL_MS": "100",
    }
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "mail", "send", "--lease", "1"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


async def test_killing_the_sender_mid_batch_loses_no_mail_and_sends_none_twice(
    db_url: str, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    async with running_api(db_url) as api:  # no SMTP: the mails wait in the outbox
        addresses = await _book_many(api, db_url, 20)
    assert await _statuses(db_url) == {"pending": 20}

    release = smtp_server.hold_after(7)
    first = _sender(db_url, smtp_server, tmp_path / "sender.log")
    try:
        # every lane (SMTP connection) with mail left is now in the middle of a message,
        # having marked its earlier ones sent; a person's mails all go through one lane
        def all_lanes_held() -> bool:
            done = {a for m in smtp_server.inbox.received for a in m.rcpt_tos}
            busy = {zlib.crc32(a.encode()) % LANES for a in addresses if a not in done}
            return len(done) == 7 and smtp_server.inbox.waiting == len(busy)

        await eventually(all_lanes_held, within=20, what="every busy lane held")
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    finally:
        if first.poll() is None:
            first.kill()
            first.wait(10)
    release.set()
    smtp_server.accept_all()
    assert len(smtp_server.inbox.received) == 7
    assert await _statuses(db_url) == {"sent": 7, "pending": 13}

    second = _sender(db_url, smtp_server, tmp_path / "sender.log")
    try:
        await smtp_server.inbox.wait_for(20, within=20)

        async def all_sent() -> bool:
            return await _statuses(db_url) == {"sent": 20}

        await eventually(all_sent, what="all marked sent", within=10)
        await asyncio.sleep(1.5)  # past another lease: nothing more may come
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(10)
    got = Counter(address for m in smtp_server.inbox.received for address in m.rcpt_tos)
    assert got == Counter(addresses), (tmp_path / "sender.log").read_text()
    assert len({m.message_id for m in smtp_server.inbox.received}) == 20
    assert await _statuses(db_url) == {"sent": 20}
