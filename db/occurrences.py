"""Occurrences: the meetings of a session, each with its own room and seats.

Room names are ``colearn-`` and 12 random hex digits, given once when the occurrence is
created and never reused (chat and presence are kept by room name), so they stay stable
when an occurrence is moved. The agent maps a room back with ``occurrence_by_room``.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from db.conn import Conn, Row
from db.errors import Conflict
from db.rows import Source, run
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


_WAITLISTED = (
    "(SELECT COUNT(*) FROM bookings w WHERE w.occurrence_id = o.id"
    " AND w.status = 'waitlisted') AS waitlisted"
)
# the columns ``from_row`` reads, by name, over occurrences o, sessions s and users u; a
# query that joins more tables names its own columns so that none of these is shadowed
COLUMNS = (
    "o.id, o.session_id, o.starts_at, o.ends_at, o.original_starts_at, o.room_name,"
    f" o.status, o.capacity, o.seats_booked, {_WAITLISTED}, o.detached, o.cancelled_at,"
    " s.title, s.level, s.topic, s.timezone, s.facilitator_id,"
    " u.display_name AS facilitator_name"
)
FROM = (
    " FROM occurrences o JOIN sessions s ON s.id = o.session_id"
    " JOIN users u ON u.id = s.facilitator_id"
)
_SELECT = f"SELECT {COLUMNS}{FROM}"


def from_row(row: Row) -> Occurrence:
    return Occurrence(
        id=row["id"],
        session_id=row["session_id"],
        starts_at=from_db(row["starts_at"]),
        ends_at=from_db(row["ends_at"]),
        original_starts_at=from_db(row["original_starts_at"] or row["starts_at"]),
        room_name=row["room_name"],
        status=row["status"],
        capacity=row["capacity"],
        seats_booked=row["seats_booked"],
        waitlisted=row["waitlisted"],
        detached=bool(row["detached"]),
        cancelled_at=maybe_from_db(row["cancelled_at"]),
        title=row["title"],
        level=row["level"],
        topic=row["topic"],
        timezone=row["timezone"],
        facilitator_id=row["facilitator_id"],
        facilitator_name=row["facilitator_name"],
    )


def lock(conn: Conn, occurrence_id: int) -> bool:
    """Lock the occurrence's row until the transaction ends (on PostgreSQL; SQLite's one
    writer has it already), before reading its seat figures; False if there is none. The
    statements after this one see every change committed before the lock was granted."""
    return (
        conn.one("SELECT id FROM occurrences WHERE id = :id" + conn.for_update, id=occurrence_id)
        is not None
    )


def reload_seats(conn: Conn, known: Occurrence) -> Occurrence:
    """``known`` with its status and seat figures read again (after a booking changed
    them): a quarter of the cost of ``load``."""
    row = conn.one(
        f"SELECT o.status, o.capacity, o.seats_booked, {_WAITLISTED}"
        " FROM occurrences o WHERE o.id = :id",
        id=known.id,
    )
    assert row is not None
    k = known
    return Occurrence(
        k.id, k.session_id, k.starts_at, k.ends_at, k.original_starts_at, k.room_name,
        row["status"], row["capacity"], row["seats_booked"], row["waitlisted"],
        k.detached, k.cancelled_at, k.title, k.level, k.topic, k.timezone, k.facilitator_id,
        k.facilitator_name,
    )  # fmt: skip


def load(conn: Conn, occurrence_id: int) -> Occurrence | None:
    row = conn.one(f"{_SELECT} WHERE o.id = :id", id=occurrence_id)
    return None if row is None else from_row(row)


def _by_room(conn: Conn, room_name: str) -> Occurrence | None:
    row = conn.one(f"{_SELECT} WHERE o.room_name = :room", room=room_name)
    return None if row is None else from_row(row)


def load_of_session(conn: Conn, session_id: int) -> list[Occurrence]:
    rows = conn.all(f"{_SELECT} WHERE o.session_id = :id ORDER BY o.starts_at, o.id", id=session_id)
    return [from_row(row) for row in rows]


async def occurrence(source: Source, occurrence_id: int) -> Occurrence | None:
    return await run(source, load, occurrence_id)


async def occurrence_by_room(source: Source, room_name: str) -> Occurrence | None:
    return await run(source, _by_room, room_name)


async def of_session(source: Source, session_id: int) -> list[Occurrence]:
    return await run(source, load_of_session, session_id)


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


def _browse(conn: Conn, where: BrowseFilter, limit: int) -> list[Occurrence]:
    clauses = ["o.status = 'scheduled'", "s.status = 'active'", "o.ends_at > :ending_after"]
    params: dict[str, object] = {"ending_after": to_db(where.ending_after), "limit": limit}
    if where.starts_from is not None:
        clauses.append("o.starts_at >= :starts_from")
        params["starts_from"] = to_db(where.starts_from)
    if where.starts_before is not None:
        clauses.append("o.starts_at < :starts_before")
        params["starts_before"] = to_db(where.starts_before)
    if where.facilitator_id is not None:
        clauses.append("s.facilitator_id = :facilitator_id")
        params["facilitator_id"] = where.facilitator_id
    if where.level is not None:
        clauses.append("s.level = :level")
        params["level"] = where.level
    if where.topic is not None:
        clauses.append("LOWER(s.topic) = LOWER(:topic)")
        params["topic"] = where.topic
    if where.has_seats:
        clauses.append("o.seats_booked < o.capacity")
    if where.after is not None:
        clauses.append("(o.starts_at, o.id) > (:after_starts, :after_id)")
        params["after_starts"] = to_db(where.after[0])
        params["after_id"] = where.after[1]
    sql = f"{_SELECT} WHERE {' AND '.join(clauses)} ORDER BY o.starts_at, o.id LIMIT :limit"
    return [from_row(row) for row in conn.all(sql, params)]


async def browse(source: Source, where: BrowseFilter, limit: int) -> list[Occurrence]:
    """Scheduled occurrences of active sessions, soonest first."""
    return await run(source, _browse, where, limit)


def insert(
    conn: Conn, *, session_id: int, starts_at: datetime, ends_at: datetime, capacity: int
) -> int:
    stamp = to_db(starts_at)
    return int(
        conn.value(
            "INSERT INTO occurrences (session_id, starts_at, ends_at, original_starts_at,"
            " room_name, capacity) VALUES (:session, :starts, :ends, :starts, :room, :capacity)"
            " RETURNING id",
            session=session_id,
            starts=stamp,
            ends=to_db(ends_at),
            room=new_room_name(),
            capacity=capacity,
        )
    )


def set_times(
    conn: Conn, occurrence_id: int, *, starts_at: datetime, ends_at: datetime, detach: bool
) -> None:
    """New times; ``detach`` marks it as edited on its own (a series edit leaves it be).
    ``Conflict`` if another occurrence of the session starts then."""
    conn.run(
        "UPDATE occurrences SET starts_at = :starts, ends_at = :ends"
        + (", detached = 1" if detach else "")
        + " WHERE id = :id",
        starts=to_db(starts_at),
        ends=to_db(ends_at),
        id=occurrence_id,
    )


def set_capacity(conn: Conn, occurrence_id: int, capacity: int) -> None:
    conn.run(
        "UPDATE occurrences SET capacity = :capacity WHERE id = :id",
        capacity=capacity,
        id=occurrence_id,
    )


def mark_cancelled(conn: Conn, occurrence_id: int, now: datetime) -> None:
    conn.run(
        "UPDATE occurrences SET status = 'cancelled', cancelled_at = :now WHERE id = :id",
        now=to_db(now),
        id=occurrence_id,
    )


def delete_unbooked(conn: Conn, occurrence_id: int) -> bool:
    """Remove an occurrence nobody ever booked; False (and nothing done) if anyone did."""
    lock(conn, occurrence_id)  # a booking committed meanwhile is seen below
    try:
        with conn.savepoint():
            deleted = conn.run(
                "DELETE FROM occurrences WHERE id = :id AND NOT EXISTS"
                " (SELECT 1 FROM bookings WHERE occurrence_id = :id)",
                id=occurrence_id,
            )
    except Conflict:
        # its room was already used (chat, presence or a webhook refer to it): keep it
        return False
    return deleted > 0
