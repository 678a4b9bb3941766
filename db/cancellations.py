"""Bookings given up: by their participant, or all of an occurrence's when it is cancelled.

A seat freed goes to the first in line in the same unit of work. The occurrence's row is
locked before its seats are read again (``FOR UPDATE`` on PostgreSQL, see db/bookings.py).
"""

from __future__ import annotations

from datetime import datetime

from db import outbox
from db.booking_news import announce_seats, tell_and_mail
from db.booking_reads import NoSuchBooking, NotYours
from db.bookings import (
    BOOKED,
    BY_PARTICIPANT,
    CANCELLED,
    SESSION_CANCELLED,
    OccurrenceEnded,
    Outcome,
    load,
    load_occurrence,
    promote,
)
from db.conn import Conn
from db.times import from_db, to_db

_CANCEL = (
    "UPDATE bookings SET status = 'cancelled', cancel_reason = :reason, waitlisted_at = NULL,"
    " updated_at = :now WHERE id = :id"
)


def cancel(conn: Conn, booking_id: int, user_id: int, now: datetime) -> Outcome:
    """``user_id`` cancels their booking or waitlist place (``NoSuchBooking``, ``NotYours``;
    ``OccurrenceEnded`` once it is over); cancelling again changes nothing."""
    # locks the booking and its occurrence: nobody changes either's seats meanwhile
    row = conn.one(
        "SELECT b.user_id, o.id AS occurrence_id, o.ends_at FROM bookings b"
        " JOIN occurrences o ON o.id = b.occurrence_id WHERE b.id = :id" + conn.for_update,
        id=booking_id,
    )
    if row is None:
        raise NoSuchBooking(booking_id)
    if row["user_id"] != user_id:
        raise NotYours(booking_id)
    occurrence_id = row["occurrence_id"]
    current = load(conn, booking_id)
    assert current is not None
    if current.status == CANCELLED:
        return Outcome(current, False, load_occurrence(conn, occurrence_id))
    if from_db(row["ends_at"]) <= now:
        raise OccurrenceEnded(occurrence_id)
    conn.run(_CANCEL, reason=BY_PARTICIPANT, now=to_db(now), id=booking_id)
    if current.status == BOOKED:
        promote(conn, occurrence_id, now)
    done = load(conn, booking_id)
    assert done is not None
    reason = {"reason": BY_PARTICIPANT}
    tell_and_mail(conn, "booking.cancelled", outbox.BOOKING_CANCELLED, done, now, reason)
    announce_seats(conn, occurrence_id)
    return Outcome(done, True, load_occurrence(conn, occurrence_id))


def release_all(conn: Conn, occurrence_id: int, now: datetime, reason: str) -> int:
    """Cancel every booking and waitlist place of an occurrence, telling each person. The
    caller has locked the occurrence (or cancelled it, which does)."""
    rows = conn.all(
        "SELECT id FROM bookings WHERE occurrence_id = :occurrence AND status <> 'cancelled'"
        " ORDER BY status, waitlisted_at, id",
        occurrence=occurrence_id,
    )
    stamp = to_db(now)
    for row in rows:
        conn.run(_CANCEL, reason=reason, now=stamp, id=row["id"])
        released = load(conn, row["id"])
        assert released is not None
        tell_and_mail(
            conn,
            "booking.cancelled",
            outbox.OCCURRENCE_CANCELLED,
            released,
            now,
            {"reason": reason},
            series_wide=reason == SESSION_CANCELLED,
        )
    return len(rows)
