"""Seats and the waitlist. Every function that writes runs inside the caller's transaction.

The seat limit is checked here, inside ``BEGIN IMMEDIATE``, so concurrent requests see each
other's bookings; the triggers of migration 0002 keep ``occurrences.seats_booked`` and a
CHECK makes the database refuse an overbooking even if this check were ever bypassed.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from db.events import append_event
from db.rows import Source, fetchall, fetchone
from db.times import from_db, to_db

BOOKED = "booked"
WAITLISTED = "waitlisted"
CANCELLED = "cancelled"

# why a booking was cancelled, as the person sees it
BY_PARTICIPANT = "participant"
OCCURRENCE_CANCELLED = "occurrence_cancelled"
SESSION_CANCELLED = "session_cancelled"
RESCHEDULED = "rescheduled"


@dataclass(frozen=True)
class Booking:
    id: int
    occurrence_id: int
    user_id: int
    status: str
    cancel_reason: str | None
    created_at: datetime
    updated_at: datetime
    waitlist_position: int | None


@dataclass(frozen=True)
class RosterEntry:
    booking: Booking
    display_name: str


class Refused(Exception):
    """The booking cannot be made; nothing was written."""


class NoSuchOccurrence(Refused):
    pass


class OccurrenceCancelled(Refused):
    pass


class OccurrenceEnded(Refused):
    pass


class OccurrenceFull(Refused):
    def __init__(self, occurrence_id: int, capacity: int, booked: int) -> None:
        super().__init__(f"occurrence {occurrence_id} is full")
        self.occurrence_id = occurrence_id
        self.capacity = capacity
        self.booked = booked


class NothingToBook(Refused):
    pass


_COLUMNS = (
    "b.id, b.occurrence_id, b.user_id, b.status, b.cancel_reason, b.created_at, b.updated_at,"
    " CASE WHEN b.status = 'waitlisted' THEN (SELECT COUNT(*) FROM bookings w"
    "  WHERE w.occurrence_id = b.occurrence_id AND w.status = 'waitlisted'"
    "  AND (w.waitlisted_at, w.id) <= (b.waitlisted_at, b.id)) END"
)
_SELECT = f"SELECT {_COLUMNS} FROM bookings b"


def _booking(row: sqlite3.Row) -> Booking:
    return Booking(row[0], row[1], row[2], row[3], row[4], from_db(row[5]), from_db(row[6]), row[7])


async def booking(source: Source, booking_id: int) -> Booking | None:
    row = await fetchone(source, f"{_SELECT} WHERE b.id = ?", (booking_id,))
    return None if row is None else _booking(row)


async def booking_of(source: Source, occurrence_id: int, user_id: int) -> Booking | None:
    row = await fetchone(
        source, f"{_SELECT} WHERE b.occurrence_id = ? AND b.user_id = ?", (occurrence_id, user_id)
    )
    return None if row is None else _booking(row)


async def bookings_of_user(source: Source, user_id: int) -> list[Booking]:
    rows = await fetchall(
        source,
        f"{_SELECT} JOIN occurrences o ON o.id = b.occurrence_id WHERE b.user_id = ?"
        " ORDER BY o.starts_at, b.id",
        (user_id,),
    )
    return [_booking(row) for row in rows]


async def roster(source: Source, occurrence_id: int) -> list[RosterEntry]:
    """Who is booked, then who waits (in line order), then who cancelled."""
    rows = await fetchall(
        source,
        f"SELECT {_COLUMNS}, u.display_name FROM bookings b JOIN users u ON u.id = b.user_id"
        " WHERE b.occurrence_id = ?"
        " ORDER BY CASE b.status WHEN 'booked' THEN 0 WHEN 'waitlisted' THEN 1 ELSE 2 END,"
        " b.waitlisted_at, b.id",
        (occurrence_id,),
    )
    return [RosterEntry(_booking(row), row[8]) for row in rows]


async def seats(source: Source, occurrence_id: int) -> dict[str, object]:
    """The seat figures everyone watching an occurrence sees."""
    row = await fetchone(
        source,
        "SELECT status, capacity, seats_booked, (SELECT COUNT(*) FROM bookings"
        " WHERE occurrence_id = occurrences.id AND status = 'waitlisted')"
        " FROM occurrences WHERE id = ?",
        (occurrence_id,),
    )
    assert row is not None
    scheduled = row[0] == "scheduled"
    return {
        "occurrence_id": occurrence_id,
        "status": row[0],
        "capacity": row[1],
        "seats_booked": row[2],
        "seats_left": max(0, row[1] - row[2]) if scheduled else 0,
        "waitlisted": row[3],
    }


async def announce_seats(conn: aiosqlite.Connection, occurrence_id: int) -> None:
    await append_event(
        conn, f"occurrence:{occurrence_id}", "seats.changed", await seats(conn, occurrence_id)
    )


async def _tell(conn: aiosqlite.Connection, kind: str, booking: Booking) -> None:
    payload = {
        "booking_id": booking.id,
        "occurrence_id": booking.occurrence_id,
        "status": booking.status,
        "cancel_reason": booking.cancel_reason,
        "waitlist_position": booking.waitlist_position,
    }
    await append_event(conn, f"user:{booking.user_id}", kind, payload)


async def book(
    conn: aiosqlite.Connection, *, occurrence_id: int, user_id: int, now: datetime, waitlist: bool
) -> tuple[Booking, bool]:
    """A seat (or, if full and ``waitlist``, a waitlist place); True if anything changed."""
    row = await fetchone(
        conn,
        "SELECT status, ends_at, capacity, seats_booked FROM occurrences WHERE id = ?",
        (occurrence_id,),
    )
    if row is None:
        raise NoSuchOccurrence(occurrence_id)
    if row["status"] != "scheduled":
        raise OccurrenceCancelled(occurrence_id)
    if from_db(row["ends_at"]) <= now:
        raise OccurrenceEnded(occurrence_id)
    existing = await booking_of(conn, occurrence_id, user_id)
    if existing is not None and existing.status == BOOKED:
        return existing, False
    free = row["seats_booked"] < row["capacity"]
    if not free and not waitlist:
        raise OccurrenceFull(occurrence_id, row["capacity"], row["seats_booked"])
    if existing is not None and existing.status == WAITLISTED and not free:
        return existing, False
    status = BOOKED if free else WAITLISTED
    stamp = to_db(now)
    waitlisted_at = None if free else stamp
    if existing is None:
        cursor = await conn.execute(
            "INSERT INTO bookings (occurrence_id, user_id, status, waitlisted_at, created_at,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?)",
            (occurrence_id, user_id, status, waitlisted_at, stamp, stamp),
        )
        booking_id = int(cursor.lastrowid or 0)
    else:
        booking_id = existing.id
        await conn.execute(
            "UPDATE bookings SET status = ?, cancel_reason = NULL, waitlisted_at = ?,"
            " updated_at = ? WHERE id = ?",
            (status, waitlisted_at, stamp, booking_id),
        )
    made = await booking(conn, booking_id)
    assert made is not None
    await _tell(conn, "booking.booked" if free else "booking.waitlisted", made)
    await announce_seats(conn, occurrence_id)
    return made, True


async def book_series(
    conn: aiosqlite.Connection, *, session_id: int, user_id: int, now: datetime
) -> list[tuple[Booking, bool]]:
    """A seat in every occurrence still to come; a waitlist place where one is full."""
    rows = await fetchall(
        conn,
        "SELECT id FROM occurrences WHERE session_id = ? AND status = 'scheduled'"
        " AND ends_at > ? ORDER BY starts_at",
        (session_id, to_db(now)),
    )
    if not rows:
        raise NothingToBook(session_id)
    return [
        await book(conn, occurrence_id=row[0], user_id=user_id, now=now, waitlist=True)
        for row in rows
    ]


async def promote(conn: aiosqlite.Connection, occurrence_id: int, now: datetime) -> list[Booking]:
    """Give free seats to the first in line, in order; each is told."""
    promoted: list[Booking] = []
    while True:
        row = await fetchone(
            conn,
            "SELECT b.id FROM bookings b JOIN occurrences o ON o.id = b.occurrence_id"
            " WHERE b.occurrence_id = ? AND b.status = 'waitlisted' AND o.status = 'scheduled'"
            " AND o.seats_booked < o.capacity ORDER BY b.waitlisted_at, b.id LIMIT 1",
            (occurrence_id,),
        )
        if row is None:
            return promoted
        await conn.execute(
            "UPDATE bookings SET status = 'booked', waitlisted_at = NULL, updated_at = ?"
            " WHERE id = ?",
            (to_db(now), row[0]),
        )
        made = await booking(conn, row[0])
        assert made is not None
        await _tell(conn, "booking.promoted", made)
        promoted.append(made)


async def cancel(
    conn: aiosqlite.Connection, booking_id: int, *, now: datetime, reason: str
) -> Booking:
    """Cancel one booking or waitlist place; a freed seat goes to the first in line."""
    current = await booking(conn, booking_id)
    if current is None:
        raise LookupError(booking_id)
    if current.status == CANCELLED:
        return current
    await conn.execute(
        "UPDATE bookings SET status = 'cancelled', cancel_reason = ?, waitlisted_at = NULL,"
        " updated_at = ? WHERE id = ?",
        (reason, to_db(now), booking_id),
    )
    if current.status == BOOKED:
        await promote(conn, current.occurrence_id, now)
    done = await booking(conn, booking_id)
    assert done is not None
    await _tell(conn, "booking.cancelled", done)
    await announce_seats(conn, current.occurrence_id)
    return done


async def release_all(
    conn: aiosqlite.Connection, occurrence_id: int, *, now: datetime, reason: str
) -> int:
    """Cancel every booking and waitlist place of an occurrence, telling each person."""
    rows = await fetchall(
        conn,
        "SELECT id FROM bookings WHERE occurrence_id = ? AND status <> 'cancelled'",
        (occurrence_id,),
    )
    for row in rows:
        await conn.execute(
            "UPDATE bookings SET status = 'cancelled', cancel_reason = ?, waitlisted_at = NULL,"
            " updated_at = ? WHERE id = ?",
            (reason, to_db(now), row[0]),
        )
        released = await booking(conn, row[0])
        assert released is not None
        await _tell(conn, "booking.cancelled", released)
    return len(rows)
