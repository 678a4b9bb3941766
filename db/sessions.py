"""Sessions (one-time or a recurring series) and the changes that reach their occurrences.

The recurrence is expanded by the caller (``api.recurrence``); here the resulting starts
become occurrence rows, and a series edit is reconciled with what already exists.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiosqlite

from db import bookings, invitations, occurrences
from db.events import append_event
from db.rows import Source, fetchall, fetchone, run
from db.times import from_db, to_db

ACTIVE = "active"
CANCELLED = "cancelled"

Slot = tuple[datetime, datetime]  # (starts_at, ends_at), timezone-aware


@dataclass(frozen=True)
class SessionFields:
    """What a facilitator sets on a session; ``starts_local`` is wall-clock in ``timezone``."""

    title: str
    description: str
    level: str
    topic: str
    timezone: str
    starts_local: datetime
    duration_minutes: int
    capacity: int
    rrule: str | None


@dataclass(frozen=True)
class Session:
    id: int
    facilitator_id: int
    facilitator_name: str
    fields: SessionFields
    status: str
    created_at: datetime


class CapacityBelowBooked(Exception):
    def __init__(self, occurrence_id: int, booked: int) -> None:
        super().__init__(f"occurrence {occurrence_id} has {booked} seats booked")
        self.occurrence_id = occurrence_id
        self.booked = booked


_SELECT = (
    "SELECT s.id, s.facilitator_id, u.display_name, s.title, s.description, s.level, s.topic,"
    " s.timezone, s.starts_local, s.duration_minutes, s.capacity, s.rrule, s.status,"
    " s.created_at FROM sessions s JOIN users u ON u.id = s.facilitator_id"
)
_EDITABLE = set(SessionFields.__dataclass_fields__)


def _session(row: sqlite3.Row) -> Session:
    fields = SessionFields(
        title=row[3],
        description=row[4],
        level=row[5],
        topic=row[6],
        timezone=row[7],
        starts_local=datetime.fromisoformat(row[8]),
        duration_minutes=row[9],
        capacity=row[10],
        rrule=row[11],
    )
    return Session(row[0], row[1], row[2], fields, row[12], from_db(row[13]))


def _column_value(name: str, value: Any) -> Any:
    return value.isoformat(timespec="seconds") if name == "starts_local" else value


async def session(source: Source, session_id: int) -> Session | None:
    row = await fetchone(source, f"{_SELECT} WHERE s.id = ?", (session_id,))
    return None if row is None else _session(row)


async def sessions(
    source: Source, *, facilitator_id: int | None, after_id: int, limit: int
) -> list[Session]:
    clause, params = ("s.id > ?", [after_id])
    if facilitator_id is not None:
        clause += " AND s.facilitator_id = ?"
        params.append(facilitator_id)
    rows = await fetchall(
        source, f"{_SELECT} WHERE {clause} ORDER BY s.id LIMIT ?", [*params, limit]
    )
    return [_session(row) for row in rows]


async def create(
    conn: aiosqlite.Connection, facilitator_id: int, fields: SessionFields, slots: list[Slot]
) -> int:
    names = sorted(_EDITABLE)
    cursor = await conn.execute(
        f"INSERT INTO sessions (facilitator_id, {', '.join(names)})"
        f" VALUES (?, {', '.join('?' for _ in names)})",
        (facilitator_id, *(_column_value(n, getattr(fields, n)) for n in names)),
    )
    session_id = int(cursor.lastrowid or 0)
    for starts_at, ends_at in slots:
        await occurrences.insert(
            conn,
            session_id=session_id,
            starts_at=starts_at,
            ends_at=ends_at,
            capacity=fields.capacity,
        )
    return session_id


async def update(conn: aiosqlite.Connection, session_id: int, changes: dict[str, Any]) -> None:
    unknown = set(changes) - _EDITABLE
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    if not changes:
        return
    names = sorted(changes)
    await conn.execute(
        f"UPDATE sessions SET {', '.join(f'{n} = ?' for n in names)} WHERE id = ?",
        (*(_column_value(n, changes[n]) for n in names), session_id),
    )


async def _announce(conn: aiosqlite.Connection, occurrence_id: int, kind: str) -> None:
    """Tell watchers of an occurrence, and each person booked on it, that it changed."""
    current = await occurrences.occurrence(conn, occurrence_id)
    assert current is not None
    payload = {
        "occurrence_id": occurrence_id,
        "status": current.status,
        "starts_at": to_db(current.starts_at),
        "ends_at": to_db(current.ends_at),
    }
    await append_event(conn, f"occurrence:{occurrence_id}", kind, payload)
    if kind == "occurrence.updated":
        rows = await fetchall(
            conn,
            "SELECT user_id FROM bookings WHERE occurrence_id = ? AND status <> 'cancelled'",
            (occurrence_id,),
        )
        for row in rows:
            await append_event(conn, f"user:{row[0]}", kind, payload)


async def cancel_occurrence(
    conn: aiosqlite.Connection, occurrence_id: int, *, now: datetime, reason: str
) -> int:
    """Cancel one occurrence and release its bookings; returns how many were released."""
    await occurrences.mark_cancelled(conn, occurrence_id, now)
    released = await run(conn, bookings.release_all, occurrence_id, now, reason)
    await run(conn, invitations.release_occurrence, occurrence_id, now, reason)
    await _announce(conn, occurrence_id, "occurrence.cancelled")
    await run(conn, bookings.announce_seats, occurrence_id)
    return released


async def move_occurrence(
    conn: aiosqlite.Connection,
    occurrence_id: int,
    slot: Slot,
    *,
    detach: bool,
    now: datetime,
    tell: bool = True,
) -> None:
    """New times for an occurrence; its bookings stay, and calendars are told by mail
    (unless ``tell`` is False: the caller tells about several at once)."""
    await occurrences.set_times(
        conn, occurrence_id, starts_at=slot[0], ends_at=slot[1], detach=detach
    )
    await _announce(conn, occurrence_id, "occurrence.updated")
    if tell:
        await run(conn, invitations.tell_moved, occurrence_id, now)


async def set_occurrence_capacity(
    conn: aiosqlite.Connection, occurrence_id: int, capacity: int, *, now: datetime
) -> None:
    current = await occurrences.occurrence(conn, occurrence_id)
    assert current is not None
    if current.seats_booked > capacity:
        raise CapacityBelowBooked(occurrence_id, current.seats_booked)
    await occurrences.set_capacity(conn, occurrence_id, capacity)
    await run(conn, bookings.promote, occurrence_id, now)
    await run(conn, bookings.announce_seats, occurrence_id)


async def _future(
    conn: aiosqlite.Connection, session_id: int, now: datetime
) -> list[occurrences.Occurrence]:
    return [
        o
        for o in await occurrences.of_session(conn, session_id)
        if o.status == occurrences.SCHEDULED and o.starts_at > now
    ]


async def set_series_capacity(
    conn: aiosqlite.Connection, session_id: int, capacity: int, *, now: datetime
) -> None:
    """A new seat limit for every occurrence still to come, or none if one has more booked."""
    future = await _future(conn, session_id, now)
    for occurrence in future:
        if occurrence.seats_booked > capacity:
            raise CapacityBelowBooked(occurrence.id, occurrence.seats_booked)
    for occurrence in future:
        if occurrence.capacity != capacity:
            await set_occurrence_capacity(conn, occurrence.id, capacity, now=now)


async def reschedule(
    conn: aiosqlite.Connection, session_id: int, slots: list[Slot], *, capacity: int, now: datetime
) -> None:
    """Make the future of a series follow new ``slots`` (only those after ``now``).

    An occurrence still to come that starts at a new slot keeps its id, room and bookings
    (its end follows the new duration). One that matches no slot is deleted if nobody ever
    booked it, and otherwise cancelled with its bookings released (reason ``rescheduled``),
    so nobody finds themselves booked at a time they did not choose. Occurrences moved one
    by one (detached) and past ones are left alone; a slot already taken by one of those, or
    by an occurrence cancelled on its own, is not filled again.
    """
    everything = await occurrences.of_session(conn, session_id)
    taken = {o.starts_at for o in everything}
    movable = {
        o.starts_at: o
        for o in everything
        if o.status == occurrences.SCHEDULED and not o.detached and o.starts_at > now
    }
    moved: list[int] = []
    for starts_at, ends_at in slots:
        if starts_at <= now:
            continue
        existing = movable.pop(starts_at, None)
        if existing is not None:
            if existing.ends_at != ends_at:
                await move_occurrence(
                    conn, existing.id, (starts_at, ends_at), detach=False, now=now, tell=False
                )
                moved.append(existing.id)
        elif starts_at not in taken:
            await occurrences.insert(
                conn, session_id=session_id, starts_at=starts_at, ends_at=ends_at, capacity=capacity
            )
    if moved:
        await run(conn, invitations.tell_series_moved, session_id, moved, now)
    for leftover in movable.values():
        if not await occurrences.delete_unbooked(conn, leftover.id):
            await cancel_occurrence(conn, leftover.id, now=now, reason=bookings.RESCHEDULED)


async def cancel(conn: aiosqlite.Connection, session_id: int, *, now: datetime) -> int:
    """Cancel the series: every occurrence still to come, releasing its bookings."""
    await conn.execute("UPDATE sessions SET status = 'cancelled' WHERE id = ?", (session_id,))
    released = 0
    for occurrence in await _future(conn, session_id, now):
        released += await cancel_occurrence(
            conn, occurrence.id, now=now, reason=bookings.SESSION_CANCELLED
        )
    return released
