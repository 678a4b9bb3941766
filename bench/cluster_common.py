"""What bench/cluster.py's measurements share: seeding, waiting, reading /proc."""

from __future__ import annotations

import asyncio
import os
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from colearn.wire import AGENT_IDENTITY
from db import Database, accounts, sessions
from db.conn import Conn
from db.sessions import SessionFields
from tests.support.rtc_client import RtcParticipant


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


async def seed_occurrences(db_url: str, count: int, capacity: int) -> tuple[str, list[int]]:
    """A facilitator's token and ``count`` occurrences starting in 5 minutes."""
    from api.auth import new_token, token_hash

    token = new_token()
    starts = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=5)
    fields = SessionFields(
        title="Bench", description="", level="", topic="", timezone="UTC",
        starts_local=starts.replace(tzinfo=None), duration_minutes=60, capacity=capacity,
        rrule=None,
    )  # fmt: skip

    def seed(conn: Conn) -> list[int]:
        host = accounts.create_user(conn, f"host-{time.time()}@bench", "Host", "facilitator", "-")
        accounts.create_token(
            conn, user_id=host.id, token_hash=token_hash(token), expires_at=starts + timedelta(1)
        )
        ids = []
        for _ in range(count):
            sid = sessions.create(conn, host.id, fields, [(starts, starts + timedelta(hours=1))])
            ids.append(conn.value("SELECT id FROM occurrences WHERE session_id = :s", s=sid))
        return ids

    db = await Database.open(db_url, run_migrations=False)
    try:
        return token, await db.write(seed)
    finally:
        await db.aclose()


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def agent_sid(person: RtcParticipant) -> str | None:
    agent = person.room.remote_participants.get(AGENT_IDENTITY)
    return agent.sid if agent is not None else None


async def until(probe, within: float):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + within
    while True:
        found = probe()
        if asyncio.iscoroutine(found):
            found = await found
        if found:
            return found
        if time.monotonic() > deadline:
            raise TimeoutError("waited too long")
        await asyncio.sleep(0.02)
