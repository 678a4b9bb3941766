"""Mail delivery: how many mails a second the sender sustains, and how long from a
booking's commit to its confirmation accepted by the SMTP server.

    .venv/bin/python bench/mail_delivery.py [--mails 2000] [--bookings 300] [--rate 50]
        [--engines sqlite,postgresql]

An aiosmtpd server that keeps nothing but the arrival time of each message runs in its own
process (as a real server would), on loopback. (a) ``--mails`` confirmations are written
into a fresh outbox, then one sender (4 SMTP connections, batches of 64) sends them all:
mails per second, and each mail's claim-to-accept time. (b) The real API with that server
configured; ``--bookings`` participants book one by one at ``--rate`` a second over HTTP;
the time from the booking's answer (sent after its commit) to the server accepting its
confirmation, p50/p99. Each engine runs both on fresh databases of its own (a SQLite file;
a PostgreSQL server started for the run).
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from db import Database, bookings, outbox  # noqa: E402
from db.conn import Conn  # noqa: E402
from db.migrate import migrate  # noqa: E402
from mail.config import MailConfig  # noqa: E402
from mail.sender import Sender  # noqa: E402
from tests.support.api_client import START, Clock, running_api, seed_participants  # noqa: E402
from tests.support.ports import free_ports  # noqa: E402
from tests.support.postgres import postgres_server  # noqa: E402

NewDb = Callable[[str], str]  # a name -> the URL of a fresh, migrated database


def serve_sink(port: int, log_path: str) -> None:
    """The SMTP server: accepts everything, writes "arrival-time Message-ID" per mail."""
    from aiosmtpd.controller import Controller

    class Sink:
        def __init__(self) -> None:
            self.log = open(log_path, "a", buffering=1)  # line-buffered, open for the run

        async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
            content = envelope.content  # type: ignore[attr-defined]
            start = content.find(b"Message-ID: ")
            ident = content[start + 12 : content.find(b"\r\n", start)].decode()
            self.log.write(f"{time.time():.6f} {ident}\n")
            return "250 OK"

    Controller(Sink(), hostname="127.0.0.1", port=port).start()
    while True:
        time.sleep(3600)


def arrivals(log_path: Path) -> dict[str, float]:
    found: dict[str, float] = {}
    for line in log_path.read_text().splitlines():
        at, ident = line.split(" ", 1)
        found[ident] = float(at)
    return found


def pct(values: list[float], q: float) -> float:
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


async def throughput(new_db: NewDb, port: int, mails: int) -> None:
    db_url = new_db("throughput")
    async with running_api(db_url) as api:  # no SMTP: bookings fill the outbox
        ada = await api.register("facilitator")
        session = await api.create_session(ada, capacity=500)
        occurrence = session["occurrences"][0]["id"]
    await seed_participants(db_url, mails, valid_until=datetime.now(UTC) + timedelta(days=1))
    db = await Database.open(db_url)
    try:
        users = await db.read(_participants)
        now = START  # the test API's clock: its session starts a day later
        for start in range(0, len(users), 400):
            await db.write(_book_and_release, occurrence, users[start : start + 400], now)
        written = len(await outbox.mails(db, limit=100_000))
        config = MailConfig(smtp_host="127.0.0.1", smtp_port=port, starttls=False)
        sender = Sender(db, config, lambda: START)
        began = time.perf_counter()
        sent = 0
        while sent < written:
            sent += await sender.send_due()
        elapsed = time.perf_counter() - began
    finally:
        await db.aclose()
    print(f"(a) sender: {sent} mails in {elapsed:.2f} s = {sent / elapsed:,.0f} mails/s")


def _participants(conn: Conn) -> list[int]:
    rows = conn.all("SELECT id FROM users WHERE role = 'participant' ORDER BY id")
    return [row["id"] for row in rows]


def _book_and_release(conn: Conn, occurrence: int, users: list[int], now: datetime) -> None:
    """Each booking writes its confirmation; cancelling right away keeps seats free."""
    for user in users:
        outcome = bookings.book(conn, occurrence, user, now, False, mail=True)
        conn.run("UPDATE bookings SET status = 'cancelled' WHERE id = :id", id=outcome.booking.id)


async def latency(new_db: NewDb, port: int, log_path: Path, count: int, rate: float) -> None:
    db_url = new_db("latency")
    clock = Clock(datetime.now(UTC))
    config = MailConfig(smtp_host="127.0.0.1", smtp_port=port, starttls=False)
    tokens = await seed_participants(
        db_url, count, valid_until=clock.now + timedelta(days=1), prefix="late"
    )
    answered: dict[int, float] = {}
    async with running_api(db_url, clock=clock, mail=config) as api:
        ada = await api.register("facilitator")
        session = await api.create_session(ada, capacity=count)
        occurrence = session["occurrences"][0]["id"]
        for token in tokens:
            reply = await api.call(
                "POST",
                f"/api/occurrences/{occurrence}/bookings",
                headers={"Authorization": f"Bearer {token}"},
            )
            answered[int(reply.body["id"])] = time.time()
            await asyncio.sleep(1 / rate)
        await asyncio.sleep(2)
        db = await Database.open(db_url)
        try:
            written = await outbox.mails(db, limit=100_000)
        finally:
            await db.aclose()
    seen = arrivals(log_path)
    waits = [
        (seen[f"<colearn-mail-{m.id}@127.0.0.1>"] - answered[m.payload["booking_id"]]) * 1000
        for m in written
        if m.payload.get("booking_id") in answered
    ]
    assert len(waits) == count, f"{len(waits)} of {count} confirmations arrived"
    print(
        f"(b) booking commit -> SMTP accepted, {count} bookings at {rate:g}/s: "
        f"p50 {pct(waits, 50):.1f} ms, p99 {pct(waits, 99):.1f} ms, max {max(waits):.1f} ms"
    )


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mails", type=int, default=2000)
    parser.add_argument("--bookings", type=int, default=300)
    parser.add_argument("--rate", type=float, default=50.0)
    parser.add_argument("--engines", default="sqlite", help="comma-separated: sqlite,postgresql")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        port = free_ports(1)[0]
        log_path = work / "arrivals.log"
        server = multiprocessing.Process(target=serve_sink, args=(port, str(log_path)), daemon=True)
        server.start()
        try:
            await asyncio.sleep(1.0)
            for engine in args.engines.split(","):
                print(f"== {engine}")
                if engine == "sqlite":

                    def new_sqlite(name: str) -> str:
                        path = work / f"{name}.db"
                        migrate(path)
                        return str(path)

                    await _run(new_sqlite, port, log_path, args)
                else:
                    with postgres_server(("synchronous_commit=off",)) as pg:
                        await _run(lambda _: pg.new_database(), port, log_path, args)
        finally:
            server.terminate()
            server.join(5)


async def _run(new_db: NewDb, port: int, log_path: Path, args: argparse.Namespace) -> None:
    await throughput(new_db, port, args.mails)
    await latency(new_db, port, log_path, args.bookings, args.rate)


if __name__ == "__main__":
    asyncio.run(main())
