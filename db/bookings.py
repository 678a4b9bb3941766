"""Seats and the waitlist.

The writing functions are synchronous units of work (``fn(conn, ...)``): run them with
``Database.write``, or call them inside a caller's unit of work. Seats are counted with the
occurrence's row locked (``FOR UPDATE`` on PostgreSQL, where bookings run concurrently;
SQLite's single writer serializes them already), so concurrent requests
see each other's bookings. The triggers of migration 0002 keep ``occurrences.seats_booked``
and a CHECK makes the database refuse an overbooking even if this were ever bypassed.
Cancelling is in ``db.cancellations``, the reads the API answers with in
``db.booking_reads``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from db import occurrences, outbox, seat_holds
from db.booking_news import announce_seats, tell, tell_and_mail
from db.conn import Conn, Row
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


class Refused(Exception):
    """The booking cannot be made; nothing was written. ``args[0]`` is the id of what
    was to be booked (an occurrence, or for a series its session)."""


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


class NoSuchSession(Refused):
    pass


class SessionCancelled(Refused):
    pass


COLUMNS = (
    "b.id, b.occurrence_id, b.user_id, b.status, b.cancel_reason, b.created_at, b.updated_at,"
    " CASE WHEN b.status = 'waitlisted' THEN (SELECT COUNT(*) FROM bookings w"
    "  WHERE w.occurrence_id = b.occurrence_id AND w.status = 'waitlisted'"
    "  AND (w.waitlisted_at, w.id) <= (b.waitlisted_at, b.id)) END AS waitlist_position"
)
SELECT = f"SELECT {COLUMNS} FROM bookings b"


def from_row(row: Row) -> Booking:
    created, updated = from_db(row["created_at"]), from_db(row["updated_at"])
    return Booking(
        row["id"], row["occurrence_id"], row["user_id"], row["status"], row["cancel_reason"],
        created, updated, row["waitlist_position"],
    )  # fmt: skip


def load(conn: Conn, booking_id: int) -> Booking | None:
    row = conn.one(f"{SELECT} WHERE b.id = :id", id=booking_id)
    return None if row is None else from_row(row)


def load_of(conn: Conn, occurrence_id: int, user_id: int) -> Booking | None:
    row = conn.one(
        f"{SELECT} WHERE b.occurrence_id = :occurrence AND b.user_id = :user",
        occurrence=occurrence_id,
        user=user_id,
    )
    return None if row is None else from_row(row)


async def booking(source: Source, booking_id: int) -> Booking | None:
    return await run(source, load, booking_id)


# After the lock: whether an invitation hold on the occurrence has lapsed (a locking read
# of occurrences alone answers as last committed; the hold's lapse is checked again by the
# DELETE that gives its seat back, so an answer older than the lock only costs a no-op).
_LOCK = (
    "SELECT EXISTS (SELECT 1 FROM invitation_seats h WHERE h.occurrence_id = o.id"
    " AND h.kind = 'hold' AND h.held_until <= :now) AS lapsed"
    " FROM occurrences o WHERE o.id = :id"
)
# In one read after the lock: the occurrence, the id and status of the user's booking, and
# what a confirmation mail needs (no row if the occurrence or the user does not exist).
_STATE = (
    f"SELECT {occurrences.COLUMNS}, b.id AS booking_id, b.status AS booking_status,"
    f" {outbox.addressee_columns('me.email')}{occurrences.FROM}"
    " JOIN users me ON me.id = :user"
    " LEFT JOIN bookings b ON b.occurrence_id = o.id AND b.user_id = :user"
    " WHERE o.id = :id"
)


def book(
    conn: Conn,
    occurrence_id: int,
    user_id: int,
    now: datetime,
    waitlist: bool,
    mail: bool = True,
) -> Outcome:
    """A seat (or, if full and ``waitlist``, a waitlist place); a new seat is confirmed by
    mail unless ``mail`` is False (a series booking sends one mail for all)."""
    stamp = to_db(now)
    lock = conn.one(_LOCK + conn.for_update, id=occurrence_id, now=stamp)
    if lock is None:
        raise NoSuchOccurrence(occurrence_id)
    if lock["lapsed"]:  # a lapsed invitation hold frees its seat
        seat_holds.lapse(conn, now, occurrence_id)
        promote(conn, occurrence_id, now)
    row = conn.one(_STATE, id=occurrence_id, user=user_id)
    if row is None:
        raise NoSuchOccurrence(occurrence_id)
    current = occurrences.from_row(row)
    if current.status != occurrences.SCHEDULED:
        raise OccurrenceCancelled(occurrence_id)
    if current.ends_at <= now:
        raise OccurrenceEnded(occurrence_id)
    free = current.seats_booked < current.capacity
    found_id, status_now = row["booking_id"], row["booking_status"]
    if status_now == BOOKED or (status_now == WAITLISTED and not free and waitlist):
        existing = load(conn, found_id)
        assert existing is not None
        return Outcome(existing, False, current)
    if not free and not waitlist:
        raise OccurrenceFull(occurrence_id, current.capacity, current.seats_booked)
    if found_id is None and free:
        booking_id = conn.value(
            "INSERT INTO bookings (occurrence_id, user_id, status, created_at, updated_at)"
            " VALUES (:occurrence, :user, 'booked', :now, :now) RETURNING id",
            occurrence=occurrence_id,
            user=user_id,
            now=stamp,
        )
        made = Booking(int(booking_id), occurrence_id, user_id, BOOKED, None, now, now, None)
    else:
        status, waitlisted_at = (BOOKED, None) if free else (WAITLISTED, stamp)
        if found_id is None:
            found_id = conn.value(
                "INSERT INTO bookings (occurrence_id, user_id, status, waitlisted_at,"
                " created_at, updated_at)"
                " VALUES (:occurrence, :user, :status, :waitlisted_at, :now, :now) RETURNING id",
                occurrence=occurrence_id,
                user=user_id,
                status=status,
                waitlisted_at=waitlisted_at,
                now=stamp,
            )
        else:
            conn.run(
                "UPDATE bookings SET status = :status, cancel_reason = NULL,"
                " waitlisted_at = :waitlisted_at, updated_at = :now WHERE id = :id",
                status=status,
                waitlisted_at=waitlisted_at,
                now=stamp,
                id=found_id,
            )
        loaded = load(conn, int(found_id))
        assert loaded is not None
        made = loaded
    tell(conn, "booking.booked" if free else "booking.waitlisted", made)
    if free and mail:
        outbox.enqueue(
            conn,
            outbox.BOOKING_CONFIRMED,
            now=now,
            user_id=user_id,
            occurrence_id=occurrence_id,
            payload={"booking_id": made.id},
            addressee=row,
        )
    announce_seats(conn, occurrence_id)
    return Outcome(made, True, occurrences.reload_seats(conn, current))


def load_occurrence(conn: Conn, occurrence_id: int) -> Occurrence:
    """The occurrence a unit of work has already found exists."""
    current = occurrences.load(conn, occurrence_id)
    assert current is not None
    return current


def promote(conn: Conn, occurrence_id: int, now: datetime) -> list[Booking]:
    """Give free seats to the first in line, in order; each is told. The caller holds
    the occurrence's lock (or has just changed its seats, which locks it)."""
    promoted: list[Booking] = []
    while True:
        booking_id = conn.value(
            "SELECT b.id FROM bookings b JOIN occurrences o ON o.id = b.occurrence_id"
            " WHERE b.occurrence_id = :occurrence AND b.status = 'waitlisted'"
            " AND o.status = 'scheduled' AND o.seats_booked < o.capacity"
            " ORDER BY b.waitlisted_at, b.id LIMIT 1",
            occurrence=occurrence_id,
        )
        if booking_id is None:
            return promoted
        conn.run(
            "UPDATE bookings SET status = 'booked', waitlisted_at = NULL, updated_at = :now"
            " WHERE id = :id",
            now=to_db(now),
            id=booking_id,
        )
        made = load(conn, booking_id)
        assert made is not None
        tell_and_mail(conn, "booking.promoted", outbox.WAITLIST_PROMOTED, made, now)
        promoted.append(made)
