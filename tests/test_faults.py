"""Faults, with counts: the API killed (-9) in a booking storm, the mail sender killed (-9)
after the SMTP server accepted, SQLite's disk filling up."""

from __future__ import annotations

import asyncio
import errno
import os
import pwd
import shutil
import signal
import sqlite3
import subprocess
import sys
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import psycopg
import pytest
from aiosmtpd.smtp import SMTP, Envelope, Session

from colearn.processes import Service
from db import Database, migrate, outbox
from db.backup import integrity_problems
from db.conn import Conn
from db.url import SQLITE, parse
from tests.support.api_client import PASSWORD, Api, running_api, seed_participants
from tests.support.ports import free_ports
from tests.support.postgres import TEMPLATE, PostgresServer
from tests.support.smtp import Inbox, SmtpServer
from tests.support.stack import API_KEY, API_SECRET, ROOT
from tests.support.waiting import eventually

CLIENTS = 150
CAPACITY = 60


def _api(db_url: str, port: int, log: Path) -> Service:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LIVEKIT_", "COLEARN_"))}
    env.update(
        COLEARN_DB=db_url,
        COLEARN_API_PORT=str(port),
        COLEARN_LOG_LEVEL="WARNING",
        LIVEKIT_URL="ws://127.0.0.1:9",
        LIVEKIT_API_KEY=API_KEY,
        LIVEKIT_API_SECRET=API_SECRET,
    )
    service = Service("api", [sys.executable, "-m", "api"], log_path=log, env=env, cwd=ROOT)
    service.start().wait_for_line(lambda line: "Co~Learn API listening" in line, timeout=30)
    return service


def _state(conn: Conn, occurrence_id: int) -> tuple[int, int, list[tuple[int, int]]]:
    seats = conn.value("SELECT seats_booked FROM occurrences WHERE id = :id", id=occurrence_id)
    booked = conn.value(
        "SELECT COUNT(*) AS n FROM bookings WHERE occurrence_id = :id AND status = 'booked'",
        id=occurrence_id,
    )
    twice = conn.all(
        "SELECT user_id, COUNT(*) AS n FROM bookings WHERE occurrence_id = :id"
        " GROUP BY user_id HAVING COUNT(*) > 1",
        id=occurrence_id,
    )
    return int(seats), int(booked), [(r["user_id"], r["n"]) for r in twice]


async def test_kill_9_of_the_api_in_a_booking_storm_leaves_no_partial_booking(
    db_url: str, tmp_path: Path
) -> None:
    [port] = free_ports(1)
    base = f"http://127.0.0.1:{port}"
    api = _api(db_url, port, tmp_path / "api-1.log")
    tokens = await seed_participants(
        db_url, CLIENTS, valid_until=datetime.now(UTC) + timedelta(days=1)
    )
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as http:
        email = "storm-host@example.org"
        await http.post(
            f"{base}/api/accounts",
            json={"email": email, "password": PASSWORD, "display_name": "H", "role": "facilitator"},
        )
        async with http.post(
            f"{base}/api/auth/sign-in", json={"email": email, "password": PASSWORD}
        ) as r:
            host = (await r.json())["token"]
        starts = (datetime.now(UTC) + timedelta(days=2)).replace(microsecond=0)
        async with http.post(
            f"{base}/api/sessions",
            headers={"Authorization": f"Bearer {host}"},
            json={"title": "Storm", "timezone": "UTC", "starts_at": starts.isoformat(),
                  "duration_minutes": 60, "capacity": CAPACITY},
        ) as r:  # fmt: skip
            occurrence_id = (await r.json())["occurrences"][0]["id"]
        path = f"{base}/api/occurrences/{occurrence_id}/bookings"
        retries = 0

        async def client(token: str) -> tuple[int, str | None]:
            """Book until an answer comes back, as a client that retries would."""
            nonlocal retries
            while True:
                try:
                    async with http.post(path, headers={"Authorization": f"Bearer {token}"}) as r:
                        body = await r.json()
                        if r.status >= 500:
                            raise aiohttp.ClientError(str(body))
                        return r.status, body.get("status")
                except (TimeoutError, aiohttp.ClientError):
                    retries += 1
                    await asyncio.sleep(0.1)

        storm = [asyncio.create_task(client(t)) for t in tokens]
        await eventually(lambda: sum(t.done() for t in storm) >= 20, within=30, interval=0.01,
                         what="the storm under way")  # fmt: skip
        api.kill()
        answered_before = sum(t.done() for t in storm)
        api = _api(db_url, port, tmp_path / "api-2.log")
        answers = await asyncio.gather(*storm)
        # asked again, each client gets the same answer (the booking is idempotent)
        again = await asyncio.gather(*(client(t) for t in tokens))
    api.stop()

    db = await Database.open(db_url, run_migrations=False)
    try:
        seats, booked, twice = await db.read(_state, occurrence_id)
    finally:
        await db.aclose()
    got_seat = sum(1 for status, state in answers if status in (200, 201) and state == "booked")
    refused = sum(1 for status, _ in answers if status == 409)
    assert got_seat + refused == CLIENTS, answers
    assert got_seat == booked == seats == CAPACITY  # no partial booking, no seat miscounted
    assert twice == []
    assert [a[1] for a in again] == [a[1] for a in answers]
    assert integrity_problems(parse(db_url)) == []
    print(
        f"kill -9 in a storm of {CLIENTS}: {answered_before} answered before the kill, "
        f"{retries} retries, {got_seat} booked, {refused} refused, 0 partial"
    )


@contextmanager
def _small_disk(path: Path, megabytes: int, owner: str | None = None) -> Iterator[Path]:
    """A tmpfs of its own at ``path``: a disk that fills up for real (ENOSPC)."""
    path.mkdir(parents=True, exist_ok=True)
    options = f"size={megabytes}m"
    if owner is not None:
        info = pwd.getpwnam(owner)
        options += f",uid={info.pw_uid},gid={info.pw_gid},mode=0700"
    subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)], check=True)
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def _fill(ballast: Path) -> int:
    """Write ``ballast`` until the disk is full; the bytes written."""
    written = 0
    with ballast.open("wb", buffering=0) as f:
        for chunk in (1 << 20, 1 << 14, 1 << 10):
            try:
                while True:
                    written += f.write(b"\0" * chunk)
            except OSError as exc:
                assert exc.errno == errno.ENOSPC, exc
    return written


@contextmanager
def _database_on_a_small_disk(
    engine: str, request: pytest.FixtureRequest, disk: Path
) -> Iterator[tuple[str, Path]]:
    """A migrated database whose files live on a small disk of their own: SQLite's file,
    or a PostgreSQL database in a tablespace there (its WAL stays in the server's
    directory, as a full data disk usually leaves the WAL's alone)."""
    if engine == SQLITE:
        with _small_disk(disk, 16) as root:
            path = root / "colearn.db"
            migrate(path)
            yield str(path), root
        return
    server: PostgresServer = request.getfixturevalue("postgres")
    owner = server.user if os.geteuid() == 0 else None
    name = f"full_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    # in the server's own directory: its user may not pass through the test's temp dirs
    with _small_disk(server.directory / name, 48, owner) as root:
        place = root / "tablespace"
        place.mkdir()
        if owner is not None:
            shutil.chown(place, user=owner, group=owner)
        with server.admin() as conn:
            conn.execute(f"CREATE TABLESPACE {name} LOCATION '{place}'")
            conn.execute(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE} TABLESPACE {name}")
        try:
            yield server.url(name), root
        finally:
            with server.admin() as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
                conn.execute(f"DROP TABLESPACE IF EXISTS {name}")


def _count_sessions(conn: Conn) -> int:
    return int(conn.value("SELECT COUNT(*) AS n FROM sessions"))


def _new_session(api: Api, n: int) -> dict[str, object]:
    return {
        "title": f"Session {n}",
        "timezone": "UTC",
        "starts_at": (api.clock.now + timedelta(days=1)).isoformat(),
        "duration_minutes": 60,
        "capacity": 5,
        "description": "d" * 4000,
    }


async def test_a_full_disk_is_a_clear_503_no_corruption_and_writes_resume(
    engine: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """The database's filesystem fills up (a tmpfs made for the test, filled with a
    ballast file): writes answer 503 with the JSON error shape, reads go on, nothing is
    corrupted, and writes succeed again once the ballast is removed."""
    with _database_on_a_small_disk(engine, request, tmp_path / "disk") as (url, root):
        async with running_api(url) as api:
            facilitator = await api.register("facilitator")
            assert (await api.call("POST", "/api/sessions", as_=facilitator,
                                   json=_new_session(api, 0))).status == 201  # fmt: skip
            ballast = root / "ballast"
            filled = _fill(ballast)
            answers = []
            for n in range(1, 400):
                reply = await api.call(
                    "POST", "/api/sessions", as_=facilitator, json=_new_session(api, n)
                )
                answers.append(reply)
                if reply.status == 503:
                    break
            statuses = Counter(r.status for r in answers)
            assert set(statuses) <= {201, 503}, [r.body for r in answers if r.status != 201]
            full = [r for r in answers if r.status == 503]
            assert full, statuses
            assert full[0].error_code == "database_unavailable"
            assert full[0].headers["Retry-After"]
            # reads go on while the disk is full
            assert (await api.call("GET", "/api/auth/me", as_=facilitator)).status == 200
            assert (await api.call("GET", "/api/sessions", as_=facilitator)).status == 200
            # space returns: writes go on, and every session answered 201 is there
            ballast.unlink()
            after = await api.call(
                "POST", "/api/sessions", as_=facilitator, json=_new_session(api, 999)
            )
            assert after.status == 201, after.body
        # every session answered 201 is there, and none of those answered 503
        db = await Database.open(url, run_migrations=False)
        try:
            kept = await db.read(_count_sessions)
        finally:
            await db.aclose()
        assert kept == 2 + statuses[201]
        assert integrity_problems(parse(url)) == []
    print(
        f"disk full ({engine}, ballast {filled // 1024} KiB): {statuses[201]} writes fitted, "
        f"then 503; after space returned writes resumed; {kept} sessions kept, 0 corrupt"
    )


class _AcceptLater(Inbox):
    """Accepts the first ``accept_first``; holds each later message mid-DATA until
    ``release``, then accepts it too (250): the sender has its answer, and then dies
    before it can record the mail as sent."""

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.accept_first is not None and len(self.received) >= self.accept_first:
            self.waiting += 1
            await self.release.wait()
            self.waiting -= 1
        saved, self.accept_first = self.accept_first, None
        try:
            return await super().handle_DATA(server, session, envelope)
        finally:
            self.accept_first = saved


@contextmanager
def _writes_blocked(db_url: str) -> Iterator[None]:
    """Another client holds the outbox's write lock: the sender's marks wait on it."""
    url = parse(db_url)
    if url.dialect == SQLITE:
        conn = sqlite3.connect(str(url.path), isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            conn.execute("ROLLBACK")
            conn.close()
        return
    with psycopg.connect(url.dsn) as pg:
        pg.execute("LOCK TABLE outbox IN EXCLUSIVE MODE")
        yield
        pg.rollback()


def _sender(db_url: str, smtp: SmtpServer, log: Path) -> subprocess.Popen[bytes]:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("COLEARN_")},
        "COLEARN_DB": str(db_url),
        "COLEARN_SMTP_HOST": smtp.host,
        "COLEARN_SMTP_PORT": str(smtp.port),
        "COLEARN_SMTP_STARTTLS": "false",
        "COLEARN_MAIL_POLL_MS": "100",
    }
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "mail", "send", "--lease", "1"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip


async def _mail_statuses(db_url: str) -> Counter[str]:
    db = await Database.open(db_url, run_migrations=False)
    try:
        return Counter(m.status for m in await outbox.mails(db, limit=10_000))
    finally:
        await db.aclose()


async def test_kill_9_of_the_mail_sender_after_the_server_accepted_loses_none(
    db_url: str, tmp_path: Path
) -> None:
    """The one window where a mail can go twice: the SMTP server said 250, and the sender
    died before its mark committed. Nothing is lost, and the second copy has the same
    Message-ID (receivers show it once). tests/test_mail_delivery.py kills it mid-DATA."""
    smtp = SmtpServer(free_ports(1)[0])
    smtp.inbox = _AcceptLater()
    await smtp.start()
    async with running_api(db_url) as api:  # no SMTP: 20 mails wait in the outbox
        ada = await api.register("facilitator")
        occurrence = (await api.create_session(ada, capacity=50))["occurrences"][0]["id"]
        tokens = await seed_participants(
            db_url, 20, valid_until=api.clock.now + timedelta(days=30), prefix="mailed"
        )
        for token in tokens:
            reply = await api.call(
                "POST", f"/api/occurrences/{occurrence}/bookings",
                headers={"Authorization": f"Bearer {token}"},
            )  # fmt: skip
            assert reply.status == 201
    assert await _mail_statuses(db_url) == {"pending": 20}
    smtp.inbox.accept_first = 7
    first = _sender(db_url, smtp, tmp_path / "sender.log")
    try:
        await eventually(
            lambda: len(smtp.inbox.received) == 7 and smtp.inbox.waiting > 0,
            within=20, what="some mails held mid-DATA",
        )  # fmt: skip
        await asyncio.sleep(0.3)  # every busy lane reaches its held message
        held = smtp.inbox.waiting
        with _writes_blocked(db_url):
            smtp.inbox.release.set()  # accepted now: 250 ...
            await eventually(lambda: len(smtp.inbox.received) == 7 + held, what="accepted")
            await asyncio.sleep(0.3)
            first.send_signal(signal.SIGKILL)  # ... and the sender dies before its mark
            first.wait(10)
    finally:
        if first.poll() is None:
            first.kill()
            first.wait(10)
    smtp.inbox.accept_first = None
    second = _sender(db_url, smtp, tmp_path / "sender.log")
    try:

        async def all_sent() -> bool:
            return await _mail_statuses(db_url) == {"sent": 20}

        await eventually(all_sent, within=30, what="every mail marked sent")
        await asyncio.sleep(1.5)  # past another lease: nothing more may come
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(10)
        await smtp.stop()
    by_id: dict[str, list[str]] = {}
    for got in smtp.inbox.received:
        by_id.setdefault(got.message_id, []).append(got.rcpt_tos[0])
    assert len(by_id) == 20  # every mail arrived: none lost
    twice = {mid: to for mid, to in by_id.items() if len(to) > 1}
    assert all(len(set(to)) == 1 and len(to) == 2 for to in twice.values())
    assert len(twice) <= held
    print(
        f"sender killed after 250: 20 of 20 mails delivered, {len(twice)} delivered again "
        f"with the same Message-ID (the {held} accepted while its marks waited)"
    )
