"""Occurrences: the meetings of a session, each with its own room and seats.

Room names are ``colearn-`` and 12 random hex digits, given once when the occurrence is
created and never reused (chat and presence are kept by room name), so they stay stable
when an occurrence is moved. The agent maps a room back with ``occurrence_by_room``.
"""

from __future__ import annotations

import secrets
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiosqlite

from db.rows import Source, fetchall, fetchone, run
from db.times import from_db, maybe_from_db, to_db

SCHEDULED = "scheduled"
CANCELLED = "cancelled"


def new_room_name() -> str:
    return f"colearn-{secrets.token_hex(6)}"


@dataclass(frozen=True)
class Occurrence:
    id: int
    session_id: int
    starts_at: datetime
    ends_at: datetime
    original_starts_at: datetime
    room_name: str
    status: str
    capacity: int
    seats_booked: int
    waitlisted: int
    detached: bool
    cancelled_at: datetime | None
    # what the occurrence shows of its session
    title: str
    level: str
    topic: str
    timezone: str
    facilitator_id: int
    facilitator_name: str

    @property
    def seats_left(self) -> int:
        return max(0, self.capacity - self.seats_booked) if self.status == SCHEDULED else 0


# the columns ``from_row`` reads, in order, and the tables they come from (o, s, u)
COLUMNS = (
    "o.id, o.session_id, o.starts_at, o.ends_at, o.original_starts_at, o.room_name,"
    " o.status, o.capacity, o.seats_booked,"
    " (SELECT COUNT(*) FROM bookings b WHERE b.occurrence_id = o.id"
    "  AND b.status = 'waitlisted'),"
    " o.detached, o.cancelled_at, s.title, s.level, s.topic, s.timezone, s.facilitator_id,"
    " u.display_name"
)
FROM = (
    " FROM occurrences o JOIN sessions s ON s.id = o.session_id"
    " JOIN users u ON u.id = s.facilitator_id"
)
_SELECT = f"SELECT {COLUMNS}{FROM}"
WIDTH = 18  # how many columns COLUMNS has


def from_row(row: sqlite3.Row | tuple[Any, ...]) -> Occurrence:
    return Occurrence(
        id=row[0],
        session_id=row[1],
        starts_at=from_db(row[2]),
        ends_at=from_db(row[3]),
        original_starts_at=from_db(row[4] or row[2]),
        room_name=row[5],
        status=row[6],
        capacity=row[7],
        seats_booked=row[8],
        waitlisted=row[9],
        detached=bool(row[10]),
        cancelled_at=maybe_from_db(row[11]),
        title=row[12],
        level=row[13],
        topic=row[14],
        timezone=row[15],
        facilitator_id=row[16],
        facilitator_name=row[17],
    )


def reload_seats(conn: sqlite3.Connection, known: Occurrence) -> Occurrence:
    """``known`` with its status and seat figures read again (after a booking changed
    them): a quarter of the cost of ``load``."""
    row = conn.execute(
        "SELECT status, capacity, seats_booked, (SELECT COUNT(*) FROM bookings b"
        "  WHERE b.occurrence_id = o.id AND b.status = 'waitlisted')"
        " FROM occurrences o WHERE id = ?",
        (known.id,),
    ).fetchone()
    k = known
    return Occurrence(
        k.id, k.session_id, k.starts_at, k.ends_at, k.original_starts_at, k.room_name,
        row[0], row[1], row[2], row[3],
        k.detached, k.cancelled_at, k.title, k.level, k.topic, k.timezone, k.facilitator_id,
        k.facilitator_name,
    )  # fmt: skip


def load(conn: sqlite3.Connection, occurrence_id: int) -> Occurrence | None:
    row = conn.execute(f"{_SELECT} WHERE o.id = ?", (occurrence_id,)).fetchone()
    return None if row is None else from_row(row)


async def occurrence(source: Source, occurrence_id: int) -> Occurrence | None:
    return await run(source, load, occurrence_id)


async def occurrence_by_room(source: Source, room_name: str) -> Occurrence | None:
    row = await fetchone(source, f"{_SELECT} WHERE o.room_name = ?", (room_name,))
    return None if row is None else from_row(row)


async def of_session(source: Source, session_id: int) -> list[Occurrence]:
    rows = await fetchall(
        source, f"{_SELECT} WHERE o.session_id = ? ORDER BY o.starts_at, o.id", (session_id,)
    )
    return [from_row(row) for row in rows]


@dataclass(frozen=True)
class BrowseFilter:
    ending_after: datetime
    starts_from: datetime | None = None
    starts_before: datetime | None = None
    facilitator_id: int | None = None
    level: str | None = None
    topic: str | None = None
    has_seats: bool = False
    # keyset pagination: the (starts_at, id) of the last item already seen
    after: tuple[datetime, int] | None = None


async def browse(source: Source, where: BrowseFilter, limit: int) -> list[Occurrence]:
    """Scheduled occurrences of active sessions, soonest first."""
    clauses = ["o.status = 'scheduled'", "s.status = 'active'", "o.ends_at > ?"]
    params: list[object] = [to_db(where.ending_after)]
    if where.starts_from is not None:
        clauses.append("o.starts_at >= ?")
        params.append(to_db(where.starts_from))
    if where.starts_before is not None:
        clauses.append("o.starts_at < ?")
        params.append(to_db(where.starts_before))
    if where.facilitator_id is not None:
        clauses.append("s.facilitator_id = ?")
        params.append(where.facilitator_id)
    if where.level is not None:
        clauses.append("s.level = ?")
        params.append(where.level)
    if where.topic is not None:
        clauses.append("s.topic = ? COLLATE NOCASE")
        params.append(where.topic)
    if where.has_seats:
        clauses.append("o.seats_booked < o.capacity")
    if where.after is not None:
        clauses.append("(o.starts_at, o.id) > (?, ?)")
        params.extend([to_db(where.after[0]), where.after[1]])
    sql = f"{_SELECT} WHERE {' AND '.join(clauses)} ORDER BY o.starts_at, o.id LIMIT ?"
    rows = await fetchall(source, sql, [*params, limit])
    return [from_row(row) for row in rows]


async def insert(
    conn: aiosqlite.Connection,
    *,
    session_id: int,
    starts_at: datetime,
    ends_at: datetime,
    capacity: int,
) -> int:
    cursor = await conn.execute(
        "INSERT INTO occurrences (session_id, starts_at, ends_at, original_starts_at, room_name,"
        " capacity) VALUES (?, ?, ?, ?, ?, ?)",
        (session_id, to_db(starts_at), to_db(ends_at), to_db(starts_at), new_room_name(), capacity),
    )
    return int(cursor.lastrowid or 0)


async def set_times(
    conn: aiosqlite.Connection,
    occurrence_id: int,
    *,
    starts_at: datetime,
    ends_at: datetime,
    detach: bool,
) -> None:
    await conn.execute(
        "UPDATE occurrences SET starts_at = ?, ends_at = ?, detached = MAX(detached, ?)"
        " WHERE id = ?",
        (to_db(starts_at), to_db(ends_at), int(detach), occurrence_id),
    )


async def set_capacity(conn: aiosqlite.Connection, occurrence_id: int, capacity: int) -> None:
    await conn.execute(
        "UPDATE occurrences SET capacity = ? WHERE id = ?", (capacity, occurrence_id)
    )


async def mark_cancelled(conn: aiosqlite.Connection, occurrence_id: int, now: datetime) -> None:
    await conn.execute(
        "UPDATE occurrences SET status = 'cancelled', cancelled_at = ? WHERE id = ?",
        (to_db(now), occurrence_id),
    )


async def delete_unbooked(conn: aiosqlite.Connection, occurrence_id: int) -> bool:
    """Remove an occurrence nobody ever booked; False (and nothing done) if anyone did."""
    try:
        cursor = await conn.execute(
            "DELETE FROM occurrences WHERE id = ? AND NOT EXISTS"
            " (SELECT 1 FROM bookings WHERE occurrence_id = ?)",
            (occurrence_id, occurrence_id),
        )
    except sqlite3.IntegrityError:
        # its room was already used (chat, presence or a webhook refer to it): keep it
        return False
    return cursor.rowcount > 0
