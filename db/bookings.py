"""Seats and the waitlist.

The writing functions are synchronous and take the ``sqlite3.Connection`` of an open
transaction: run them with ``Database.write`` (their own transaction, in one hop to the
writer's thread) or ``rows.run`` (inside the caller's transaction). The seat limit is
checked here inside ``BEGIN IMMEDIATE``, so concurrent requests see each other's bookings;
the triggers of migration 0002 keep ``occurrences.seats_booked`` and a CHECK makes the
database refuse an overbooking even if this check were ever bypassed.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from db import occurrences, outbox, seat_holds
from db.database import at_group_end
from db.events import record_event
from db.occurrences import Occurrence
from db.rows import Source, run
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
class Outcome:
    """A booking after a change, whether anything changed, and its occurrence after it."""

    booking: Booking
    changed: bool
    occurrence: Occurrence


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


def load(conn: sqlite3.Connection, booking_id: int) -> Booking | None:
    row = conn.execute(f"{_SELECT} WHERE b.id = ?", (booking_id,)).fetchone()
    return None if row is None else _booking(row)


def load_of(conn: sqlite3.Connection, occurrence_id: int, user_id: int) -> Booking | None:
    row = conn.execute(
        f"{_SELECT} WHERE b.occurrence_id = ? AND b.user_id = ?", (occurrence_id, user_id)
    ).fetchone()
    return None if row is None else _booking(row)


def _of_user(conn: sqlite3.Connection, user_id: int) -> list[Booking]:
    rows = conn.execute(
        f"{_SELECT} JOIN occurrences o ON o.id = b.occurrence_id WHERE b.user_id = ?"
        " ORDER BY o.starts_at, b.id",
        (user_id,),
    )
    return [_booking(row) for row in rows]


def _roster(conn: sqlite3.Connection, occurrence_id: int) -> list[RosterEntry]:
    rows = conn.execute(
        f"SELECT {_COLUMNS}, u.display_name FROM bookings b JOIN users u ON u.id = b.user_id"
        " WHERE b.occurrence_id = ?"
        " ORDER BY CASE b.status WHEN 'booked' THEN 0 WHEN 'waitlisted' THEN 1 ELSE 2 END,"
        " b.waitlisted_at, b.id",
        (occurrence_id,),
    )
    return [RosterEntry(_booking(row), row[8]) for row in rows]


async def booking(source: Source, booking_id: int) -> Booking | None:
    return await run(source, load, booking_id)


async def booking_of(source: Source, occurrence_id: int, user_id: int) -> Booking | None:
    return await run(source, load_of, occurrence_id, user_id)


async def bookings_of_user(source: Source, user_id: int) -> list[Booking]:
    return await run(source, _of_user, user_id)


async def roster(source: Source, occurrence_id: int) -> list[RosterEntry]:
    """Who is booked, then who waits (in line order), then who cancelled."""
    return await run(source, _roster, occurrence_id)


def announce_seats(conn: sqlite3.Connection, occurrence_id: int) -> None:
    """Tell everyone watching the occurrence its seat figures, as committed: in a group
    commit, once at the group's end however many of its writes changed them."""
    at_group_end(conn, ("seats", occurrence_id), lambda c: _announce_now(c, occurrence_id))


def _announce_now(conn: sqlite3.Connection, occurrence_id: int) -> None:
    current = _occurrence(conn, occurrence_id)
    payload = {
        "occurrence_id": current.id,
        "status": current.status,
        "capacity": current.capacity,
        "seats_booked": current.seats_booked,
        "seats_left": current.seats_left,
        "waitlisted": current.waitlisted,
    }
    record_event(conn, f"occurrence:{current.id}", "seats.changed", payload)


def _tell(conn: sqlite3.Connection, kind: str, booking: Booking) -> None:
    payload = {
        "booking_id": booking.id,
        "occurrence_id": booking.occurrence_id,
        "status": booking.status,
        "cancel_reason": booking.cancel_reason,
        "waitlist_position": booking.waitlist_position,
    }
    record_event(conn, f"user:{booking.user_id}", kind, payload)


_STATE = (
    f"SELECT {occurrences.COLUMNS},"
    " EXISTS (SELECT 1 FROM invitation_seats h WHERE h.occurrence_id = o.id"
    "  AND h.kind = 'hold' AND h.held_until <= ?3),"
    f" b.id, b.status, {outbox.addressee_columns('me.email')}{occurrences.FROM}"
    " JOIN users me ON me.id = ?2"
    " LEFT JOIN bookings b ON b.occurrence_id = o.id AND b.user_id = ?2"
    " WHERE o.id = ?1"
)
_LAPSED, _FOUND_ID, _FOUND_STATUS, _ADDRESSEE = range(occurrences.WIDTH, occurrences.WIDTH + 4)


def _booking_state(
    conn: sqlite3.Connection, occurrence_id: int, user_id: int, stamp: str
) -> sqlite3.Row | None:
    """In one read: the occurrence, whether an invitation hold on it has lapsed, the id
    and status of the user's booking, and what a confirmation mail needs (None if the
    occurrence or the user does not exist)."""
    return conn.execute(_STATE, (occurrence_id, user_id, stamp)).fetchone()


def book(
    conn: sqlite3.Connection,
    occurrence_id: int,
    user_id: int,
    now: datetime,
    waitlist: bool,
    mail: bool = True,
) -> Outcome:
    """A seat (or, if full and ``waitlist``, a waitlist place); a new seat is confirmed by
    mail unless ``mail`` is False (a series booking sends one mail for all)."""
    stamp = to_db(now)
    row = _booking_state(conn, occurrence_id, user_id, stamp)
    if row is not None and row[_LAPSED]:  # a lapsed invitation hold frees its seat
        seat_holds.lapse(conn, now, occurrence_id)
        promote(conn, occurrence_id, now)
        row = _booking_state(conn, occurrence_id, user_id, stamp)
    if row is None:
        raise NoSuchOccurrence(occurrence_id)
    current = occurrences.from_row(row)
    if current.status != occurrences.SCHEDULED:
        raise OccurrenceCancelled(occurrence_id)
    if current.ends_at <= now:
        raise OccurrenceEnded(occurrence_id)
    free = current.seats_booked < current.capacity
    found_id, status_now = row[_FOUND_ID], row[_FOUND_STATUS]
    if status_now == BOOKED or (status_now == WAITLISTED and not free and waitlist):
        existing = load(conn, found_id)
        assert existing is not None
        return Outcome(existing, False, current)
    if not free and not waitlist:
        raise OccurrenceFull(occurrence_id, current.capacity, current.seats_booked)
    if found_id is None and free:
        cursor = conn.execute(
            "INSERT INTO bookings (occurrence_id, user_id, status, created_at, updated_at)"
            " VALUES (?, ?, 'booked', ?, ?)",
            (occurrence_id, user_id, stamp, stamp),
        )
        made = Booking(
            int(cursor.lastrowid or 0), occurrence_id, user_id, BOOKED, None, now, now, None
        )
    else:
        status, waitlisted_at = (BOOKED, None) if free else (WAITLISTED, stamp)
        if found_id is None:
            cursor = conn.execute(
                "INSERT INTO bookings (occurrence_id, user_id, status, waitlisted_at, created_at,"
                " updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                (occurrence_id, user_id, status, waitlisted_at, stamp, stamp),
            )
            booking_id = int(cursor.lastrowid or 0)
        else:
            booking_id = found_id
            conn.execute(
                "UPDATE bookings SET status = ?, cancel_reason = NULL, waitlisted_at = ?,"
                " updated_at = ? WHERE id = ?",
                (status, waitlisted_at, stamp, booking_id),
            )
        loaded = load(conn, booking_id)
        assert loaded is not None
        made = loaded
    _tell(conn, "booking.booked" if free else "booking.waitlisted", made)
    if free and mail:
        outbox.enqueue(
            conn,
            outbox.BOOKING_CONFIRMED,
            now=now,
            user_id=user_id,
            occurrence_id=occurrence_id,
            payload={"booking_id": made.id},
            addressee=row[_ADDRESSEE : _ADDRESSEE + outbox.ADDRESSEE_WIDTH],
        )
    announce_seats(conn, occurrence_id)
    return Outcome(made, True, occurrences.reload_seats(conn, current))


def _occurrence(conn: sqlite3.Connection, occurrence_id: int) -> Occurrence:
    current = occurrences.load(conn, occurrence_id)
    assert current is not None
    return current


def _unchanged(conn: sqlite3.Connection, existing: Booking) -> Outcome:
    return Outcome(existing, False, _occurrence(conn, existing.occurrence_id))


def book_series(
    conn: sqlite3.Connection, session_id: int, user_id: int, now: datetime
) -> list[Outcome]:
    """A seat in every occurrence still to come; a waitlist place where one is full."""
    rows = conn.execute(
        "SELECT id FROM occurrences WHERE session_id = ? AND status = 'scheduled'"
        " AND ends_at > ? ORDER BY starts_at",
        (session_id, to_db(now)),
    ).fetchall()
    if not rows:
        raise NothingToBook(session_id)
    made = [book(conn, row[0], user_id, now, True, mail=False) for row in rows]
    if any(outcome.changed for outcome in made):  # one mail, one calendar entry: the series
        outbox.enqueue(
            conn, outbox.BOOKING_CONFIRMED, now=now, user_id=user_id, session_id=session_id
        )
    return made


def promote(conn: sqlite3.Connection, occurrence_id: int, now: datetime) -> list[Booking]:
    """Give free seats to the first in line, in order; each is told."""
    promoted: list[Booking] = []
    while True:
        row = conn.execute(
            "SELECT b.id FROM bookings b JOIN occurrences o ON o.id = b.occurrence_id"
            " WHERE b.occurrence_id = ? AND b.status = 'waitlisted' AND o.status = 'scheduled'"
            " AND o.seats_booked < o.capacity ORDER BY b.waitlisted_at, b.id LIMIT 1",
            (occurrence_id,),
        ).fetchone()
        if row is None:
            return promoted
        conn.execute(
            "UPDATE bookings SET status = 'booked', waitlisted_at = NULL, updated_at = ?"
            " WHERE id = ?",
            (to_db(now), row[0]),
        )
        made = load(conn, row[0])
        assert made is not None
        _tell(conn, "booking.promoted", made)
        outbox.enqueue(
            conn,
            outbox.WAITLIST_PROMOTED,
            now=now,
            user_id=made.user_id,
            occurrence_id=occurrence_id,
            payload={"booking_id": made.id},
        )
        promoted.append(made)


def cancel(conn: sqlite3.Connection, booking_id: int, now: datetime, reason: str) -> Outcome:
    """Cancel one booking or waitlist place; a freed seat goes to the first in line."""
    current = load(conn, booking_id)
    if current is None:
        raise LookupError(booking_id)
    if current.status == CANCELLED:
        return _unchanged(conn, current)
    conn.execute(
        "UPDATE bookings SET status = 'cancelled', cancel_reason = ?, waitlisted_at = NULL,"
        " updated_at = ? WHERE id = ?",
        (reason, to_db(now), booking_id),
    )
    if current.status == BOOKED:
        promote(conn, current.occurrence_id, now)
    done = load(conn, booking_id)
    assert done is not None
    _tell(conn, "booking.cancelled", done)
    outbox.enqueue(
        conn,
        outbox.BOOKING_CANCELLED,
        now=now,
        user_id=done.user_id,
        occurrence_id=done.occurrence_id,
        payload={"booking_id": done.id, "reason": reason},
    )
    announce_seats(conn, current.occurrence_id)
    return Outcome(done, True, _occurrence(conn, current.occurrence_id))


def release_all(conn: sqlite3.Connection, occurrence_id: int, now: datetime, reason: str) -> int:
    """Cancel every booking and waitlist place of an occurrence, telling each person."""
    rows = conn.execute(
        "SELECT id FROM bookings WHERE occurrence_id = ? AND status <> 'cancelled'",
        (occurrence_id,),
    ).fetchall()
    for row in rows:
        conn.execute(
            "UPDATE bookings SET status = 'cancelled', cancel_reason = ?, waitlisted_at = NULL,"
            " updated_at = ? WHERE id = ?",
            (reason, to_db(now), row[0]),
        )
        released = load(conn, row[0])
        assert released is not None
        _tell(conn, "booking.cancelled", released)
        outbox.enqueue(
            conn,
            outbox.OCCURRENCE_CANCELLED,
            now=now,
            user_id=released.user_id,
            occurrence_id=occurrence_id,
            payload={"booking_id": released.id, "reason": reason},
            series_wide=reason == SESSION_CANCELLED,
        )
    return len(rows)
