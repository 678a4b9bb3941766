"""Sessions (one-time or a recurring series) and the changes that reach their occurrences.

The recurrence is expanded by the caller (``api.recurrence``); here the resulting starts
become occurrence rows, and a series edit is reconciled with what already exists. Changes
to one occurrence are in ``db.occurrence_changes``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from db import bookings, invitations, occurrences
from db.conn import Conn, Row
from db.occurrence_changes import (
    CapacityBelowBooked,
    Slot,
    cancel_occurrence,
    move_occurrence,
    set_occurrence_capacity,
)
from db.rows import Source, run
from db.times import from_db, to_db

ACTIVE = "active"
CANCELLED = "cancelled"


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
    language: str = "en"  # a Whisper language code: the room's captions are in it


@dataclass(frozen=True)
class Session:
    id: int
    facilitator_id: int
    facilitator_name: str
    fields: SessionFields
    status: str
    created_at: datetime


class NotActive(Exception):
    """The session was cancelled: it cannot be edited."""


_SELECT = (
    "SELECT s.id, s.facilitator_id, u.display_name AS facilitator_name, s.title,"
    " s.description, s.level, s.topic, s.timezone, s.starts_local, s.duration_minutes,"
    " s.capacity, s.rrule, s.language, s.status, s.created_at"
    " FROM sessions s JOIN users u ON u.id = s.facilitator_id"
)
_EDITABLE = set(SessionFields.__dataclass_fields__)


def _session(row: Row) -> Session:
    fields = SessionFields(
        title=row["title"],
        description=row["description"],
        level=row["level"],
        topic=row["topic"],
        timezone=row["timezone"],
        starts_local=datetime.fromisoformat(row["starts_local"]),
        duration_minutes=row["duration_minutes"],
        capacity=row["capacity"],
        rrule=row["rrule"],
        language=row["language"],
    )
    return Session(
        row["id"],
        row["facilitator_id"],
        row["facilitator_name"],
        fields,
        row["status"],
        from_db(row["created_at"]),
    )


def _column_value(name: str, value: Any) -> Any:
    return value.isoformat(timespec="seconds") if name == "starts_local" else value


def _load(conn: Conn, session_id: int) -> Session | None:
    row = conn.one(f"{_SELECT} WHERE s.id = :id", id=session_id)
    return None if row is None else _session(row)


def _list(conn: Conn, facilitator_id: int | None, after_id: int, limit: int) -> list[Session]:
    clause = "s.id > :after"
    if facilitator_id is not None:
        clause += " AND s.facilitator_id = :facilitator"
    rows = conn.all(
        f"{_SELECT} WHERE {clause} ORDER BY s.id LIMIT :limit",
        after=after_id,
        facilitator=facilitator_id,
        limit=limit,
    )
    return [_session(row) for row in rows]


async def session(source: Source, session_id: int) -> Session | None:
    return await run(source, _load, session_id)


async def sessions(
    source: Source, *, facilitator_id: int | None, after_id: int, limit: int
) -> list[Session]:
    return await run(source, _list, facilitator_id, after_id, limit)


def create(conn: Conn, facilitator_id: int, fields: SessionFields, slots: list[Slot]) -> int:
    names = sorted(_EDITABLE)
    session_id = int(
        conn.value(
            f"INSERT INTO sessions (facilitator_id, {', '.join(names)})"
            f" VALUES (:facilitator_id, {', '.join(f':{n}' for n in names)}) RETURNING id",
            {n: _column_value(n, getattr(fields, n)) for n in names},
            facilitator_id=facilitator_id,
        )
    )
    for starts_at, ends_at in slots:
        occurrences.insert(
            conn,
            session_id=session_id,
            starts_at=starts_at,
            ends_at=ends_at,
            capacity=fields.capacity,
        )
    return session_id


def update(conn: Conn, session_id: int, changes: dict[str, Any]) -> None:
    unknown = set(changes) - _EDITABLE
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    if not changes:
        return
    names = sorted(changes)
    conn.run(
        f"UPDATE sessions SET {', '.join(f'{n} = :{n}' for n in names)} WHERE id = :session_id",
        {n: _column_value(n, changes[n]) for n in names},
        session_id=session_id,
    )


def _lock_active(conn: Conn, session_id: int) -> bool:
    """Lock the session's row (on PostgreSQL) until the transaction ends; whether it is
    active."""
    status = conn.value(
        "SELECT status FROM sessions WHERE id = :id" + conn.for_update, id=session_id
    )
    return status == ACTIVE


def _future(conn: Conn, session_id: int, now: datetime) -> list[occurrences.Occurrence]:
    return [
        o
        for o in occurrences.load_of_session(conn, session_id)
        if o.status == occurrences.SCHEDULED and o.starts_at > now
    ]


def set_series_capacity(conn: Conn, session_id: int, capacity: int, *, now: datetime) -> None:
    """A new seat limit for every occurrence still to come, or none if one has more booked."""
    # lock what is to come (in starting order, as bookings of a series do) before its seats
    # are read
    conn.all(
        "SELECT id FROM occurrences WHERE session_id = :session AND status = 'scheduled'"
        " AND starts_at > :now ORDER BY starts_at" + conn.for_update,
        session=session_id,
        now=to_db(now),
    )
    future = _future(conn, session_id, now)
    for occurrence in future:
        if occurrence.seats_booked > capacity:
            raise CapacityBelowBooked(occurrence.id, occurrence.seats_booked)
    for occurrence in future:
        if occurrence.capacity != capacity:
            set_occurrence_capacity(conn, occurrence.id, capacity, now=now)


def reschedule(
    conn: Conn, session_id: int, slots: list[Slot], *, capacity: int, now: datetime
) -> None:
    """Make the future of a series follow new ``slots`` (only those after ``now``).

    An occurrence still to come that starts at a new slot keeps its id, room and bookings
    (its end follows the new duration). One that matches no slot is deleted if nobody ever
    booked it, and otherwise cancelled with its bookings released (reason ``rescheduled``),
    so nobody finds themselves booked at a time they did not choose. Occurrences moved one
    by one (detached) and past ones are left alone; a slot already taken by one of those, or
    by an occurrence cancelled on its own, is not filled again.
    """
    everything = occurrences.load_of_session(conn, session_id)
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
                move_occurrence(
                    conn, existing.id, (starts_at, ends_at), detach=False, now=now, tell=False
                )
                moved.append(existing.id)
        elif starts_at not in taken:
            occurrences.insert(
                conn, session_id=session_id, starts_at=starts_at, ends_at=ends_at, capacity=capacity
            )
    if moved:
        invitations.tell_series_moved(conn, session_id, moved, now)
    for leftover in movable.values():
        if not occurrences.delete_unbooked(conn, leftover.id):
            cancel_occurrence(conn, leftover.id, now=now, reason=bookings.RESCHEDULED)


def edit(
    conn: Conn,
    session_id: int,
    changes: dict[str, Any],
    slots: list[Slot] | None,
    now: datetime,
) -> None:
    """The facilitator's edit of a series: its fields, a new seat limit for what is to
    come (``CapacityBelowBooked``), new times (``slots``, see ``reschedule``). ``NotActive``
    if it was cancelled."""
    if not _lock_active(conn, session_id):
        raise NotActive(session_id)
    update(conn, session_id, changes)
    capacity = changes.get("capacity")
    if capacity is not None:
        set_series_capacity(conn, session_id, capacity, now=now)
    if slots is not None:
        current = _load(conn, session_id)
        assert current is not None
        reschedule(conn, session_id, slots, capacity=current.fields.capacity, now=now)


def cancel(conn: Conn, session_id: int, now: datetime) -> int:
    """Cancel the series: every occurrence still to come, releasing its bookings; how many
    bookings. Cancelling again changes nothing."""
    if not _lock_active(conn, session_id):
        return 0
    conn.run("UPDATE sessions SET status = 'cancelled' WHERE id = :id", id=session_id)
    released = 0
    for occurrence in _future(conn, session_id, now):
        released += cancel_occurrence(
            conn, occurrence.id, now=now, reason=bookings.SESSION_CANCELLED
        )
    return released
