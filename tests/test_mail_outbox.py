"""Without an SMTP server mails wait in the outbox, where a developer reads them: on the
/dev/outbox page (this machine only) and with ``python -m mail``. Several senders claim
from one outbox without taking the same mail, and a mail is written once per dedupe key."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from db import Database, outbox, outbox_claims
from db.conn import Conn
from db.url import POSTGRESQL
from tests.support.api_client import Api, running_api
from tests.support.smtp import SmtpServer, mail_config

ROOT = Path(__file__).resolve().parent.parent


async def _a_booking(api: Api) -> None:
    ada = await api.register("facilitator")
    session = await api.create_session(ada, title="Idioms")
    lee = await api.register()
    await api.call("POST", f"/api/occurrences/{session['occurrences'][0]['id']}/bookings", as_=lee)
    path = f"/api/occurrences/{session['occurrences'][0]['id']}/invitations"
    await api.call("POST", path, as_=ada, json={"emails": ["guest@example.org"]})


async def test_the_outbox_page_shows_waiting_mails_with_their_links(api: Api) -> None:
    await _a_booking(api)
    async with api.client.get("/dev/outbox") as listing:
        page = await listing.text()
    assert listing.status == 200 and "Booked: Idioms" in page and "Invitation: Idioms" in page
    async with api.client.get("/dev/outbox/2") as one:
        shown = await one.text()
    assert one.status == 200
    assert "<a href='http://127.0.0.1:8080/guest#" in shown  # the guest's link, clickable


async def test_the_outbox_page_is_not_there_when_mail_is_really_sent(
    db_url: str, smtp_server: SmtpServer
) -> None:
    async with running_api(db_url, mail=mail_config(smtp_server)) as api:
        async with api.client.get("/dev/outbox") as reply:
            assert reply.status == 404


async def test_the_admin_command_lists_and_shows_the_outbox(api: Api, db_url: str) -> None:
    await _a_booking(api)
    env = {**os.environ, "COLEARN_DB": str(db_url)}

    def run(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "api", "admin", "outbox", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    listing = run("list")
    assert listing.startswith("2 pending, 0 failed, 0 sent"), listing
    assert "booking_confirmed" in listing
    shown = run("show", "1")
    assert "Subject: Booked: Idioms" in shown and "Content-Type: text/calendar" in shown


def _write_mails(conn: Conn, count: int, now: datetime) -> list[int]:
    return [
        outbox.enqueue(conn, outbox.REMINDER, now=now, recipient=f"p{n}@example.org", session_id=1)
        or 0
        for n in range(count)
    ]


async def test_two_senders_claiming_at_once_never_take_the_same_mail(
    new_db_url: Callable[..., str], engine: str
) -> None:
    """Two mail workers (two Database objects, as two processes) claim while the first one's
    claim has not committed yet: on PostgreSQL the second passes over the rows the first
    holds (SKIP LOCKED); on SQLite one writer at a time keeps them apart anyway."""
    url = new_db_url()
    now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    first, second = await Database.open(url), await Database.open(url)
    claimed, release = threading.Event(), threading.Event()
    pause = engine == POSTGRESQL  # SQLite runs the unit on the event loop: it cannot wait

    def claim_and_hold(conn: Conn) -> list[outbox.Mail]:
        mails = outbox_claims.claim(conn, "first", now, timedelta(seconds=60), 6)
        claimed.set()
        if pause:
            release.wait(10)
        return mails

    try:
        written = await first.write(_write_mails, 10, now)
        holding = asyncio.create_task(first.write(claim_and_hold))
        await asyncio.to_thread(claimed.wait, 10)
        took = await second.write(outbox_claims.claim, "second", now, timedelta(seconds=60), 10)
        release.set()
        held = await holding
        again = await second.write(outbox_claims.claim, "second", now, timedelta(seconds=60), 10)
        mails = await outbox.mails(first)
    finally:
        release.set()
        await first.aclose()
        await second.aclose()
    assert [m.id for m in held] == written[:6]
    assert [m.id for m in took] == written[6:]
    assert again == []  # every mail is leased now
    assert {m.id: (m.attempts, m.status) for m in mails} == {i: (1, "pending") for i in written}


def _confirmation(conn: Conn, now: datetime) -> int | None:
    return outbox.enqueue(
        conn, outbox.BOOKING_CONFIRMED, now=now, recipient="lee@example.org", session_id=7
    )


async def test_a_dedupe_key_writes_one_mail_and_each_mail_counts_its_calendar_entry(
    new_db_url: Callable[..., str], engine: str
) -> None:
    """The same reminder found by two processes is one mail; two mails to one person about
    one calendar entry written at once get SEQUENCE 0 and 1 (on PostgreSQL the second waits
    for the first to commit)."""
    url = new_db_url()
    now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    first, second = await Database.open(url), await Database.open(url)
    written, release = threading.Event(), threading.Event()
    pause = engine == POSTGRESQL

    def reminder(conn: Conn) -> int | None:
        return outbox.enqueue(
            conn, outbox.REMINDER, now=now, recipient="lee@example.org", session_id=7,
            dedupe_key="reminder:7:lee",
        )  # fmt: skip

    def reminder_held(conn: Conn) -> int | None:
        made = reminder(conn)
        written.set()
        if pause:
            release.wait(10)
        return made

    try:
        holding = asyncio.create_task(first.write(reminder_held))
        await asyncio.to_thread(written.wait, 10)
        other = asyncio.create_task(second.write(_confirmation, now))
        await asyncio.sleep(0.2)  # the second is waiting for the first now (PostgreSQL)
        release.set()
        made, confirmed = await holding, await other
        again = await second.write(reminder)
        mails = await outbox.mails(first)
    finally:
        release.set()
        await first.aclose()
        await second.aclose()
    assert made is not None and confirmed is not None and again is None
    assert [(m.id, m.ical_uid, m.ical_sequence) for m in mails] == [
        (made, "session-7", 0),
        (confirmed, "session-7", 1),
    ]
