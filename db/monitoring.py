"""What operators watch: live agent workers (for ``/readyz``) and the outbox's state.

An agent worker records itself in ``agent_workers`` every second while it is registered
with livekit-server (``beat``); the API counts the workers heard from recently. The
outbox's figures are read at scrape time by the API's metrics and by ``/readyz``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from db.conn import Conn
from db.outbox import FAILED, PENDING
from db.rows import Source, run
from db.times import maybe_from_db, to_db


def beat(conn: Conn, worker_id: str, rooms_held: int, now: datetime) -> None:
    """The worker ``worker_id`` is registered and holds ``rooms_held`` rooms at ``now``."""
    conn.run(
        "INSERT INTO agent_workers (worker_id, started_at, seen_at, rooms_held)"
        " VALUES (:id, :now, :now, :rooms)"
        " ON CONFLICT (worker_id) DO UPDATE SET seen_at = excluded.seen_at,"
        " rooms_held = excluded.rooms_held",
        id=worker_id,
        now=to_db(now),
        rooms=rooms_held,
    )


def gone(conn: Conn, worker_id: str) -> None:
    """The worker stops: it no longer counts as registered."""
    conn.run("DELETE FROM agent_workers WHERE worker_id = :id", id=worker_id)


def _live(conn: Conn, since: str) -> int:
    return int(
        conn.value("SELECT COUNT(*) AS n FROM agent_workers WHERE seen_at >= :since", since=since)
    )


async def live_workers(source: Source, since: datetime) -> int:
    """How many agent workers have been heard from since ``since``."""
    return await run(source, _live, to_db(since))


@dataclass(frozen=True, slots=True)
class OutboxState:
    pending: int  # not sent yet (due now or later)
    retrying: int  # pending after at least one failed attempt
    failed: int  # given up on
    oldest_due_at: datetime | None  # when the longest-waiting due mail became due


def _outbox(conn: Conn, now: str) -> OutboxState:
    row = conn.one(
        "SELECT COUNT(*) AS pending,"
        " COALESCE(SUM(CASE WHEN attempts > 0 THEN 1 ELSE 0 END), 0) AS retrying,"
        " MIN(CASE WHEN next_attempt_at <= :now THEN next_attempt_at END) AS oldest"
        " FROM outbox WHERE status = :pending",
        now=now,
        pending=PENDING,
    )
    assert row is not None
    failed = conn.value("SELECT COUNT(*) AS n FROM outbox WHERE status = :s", s=FAILED)
    return OutboxState(
        pending=int(row["pending"]),
        retrying=int(row["retrying"]),
        failed=int(failed),
        oldest_due_at=maybe_from_db(row["oldest"]),
    )


async def outbox_state(source: Source, now: datetime) -> OutboxState:
    return await run(source, _outbox, to_db(now))
