"""A facilitator's changes to one occurrence: new times, a new seat limit, cancelling it.

Each changes the occurrence with its row locked (``occurrences.lock``: ``FOR UPDATE`` on
PostgreSQL) before its seats or state are read, and tells watchers and the people booked.
``edit`` and ``cancel`` are the units of work the API runs; the others are their parts,
shared with the series changes of ``db.sessions``.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from db import booking_news, bookings, cancellations, invitations, occurrences
from db.conn import Conn
from db.errors import Conflict
from db.events import record_event
from db.occurrences import Occurrence
from db.times import to_db

Slot = tuple[datetime, datetime]  # (starts_at, ends_at), timezone-aware


class CapacityBelowBooked(Exception):
    def __init__(self, occurrence_id: int, booked: int) -> None:
        super().__init__(f"occurrence {occurrence_id} has {booked} seats booked")
        self.occurrence_id = occurrence_id
        self.booked = booked


class AlreadyStarted(Exception):
    """An occurrence that has started cannot be edited."""


class StartsInPast(ValueError):
    """The new start is not in the future."""


class TimeTaken(Exception):
    """Another occurrence of the session starts at that time."""


def _load(conn: Conn, occurrence_id: int) -> Occurrence:
    current = occurrences.load(conn, occurrence_id)
    assert current is not None
    return current


def _announce(conn: Conn, occurrence_id: int, kind: str) -> None:
    """Tell watchers of an occurrence, and each person booked on it, that it changed."""
    current = _load(conn, occurrence_id)
    payload = {
        "occurrence_id": occurrence_id,
        "status": current.status,
        "starts_at": to_db(current.starts_at),
        "ends_at": to_db(current.ends_at),
    }
    record_event(conn, f"occurrence:{occurrence_id}", kind, payload)
    if kind == "occurrence.updated":
        rows = conn.all(
            "SELECT user_id FROM bookings WHERE occurrence_id = :occurrence"
            " AND status <> 'cancelled' ORDER BY status, waitlisted_at, id",
            occurrence=occurrence_id,
        )
        for row in rows:
            record_event(conn, f"user:{row['user_id']}", kind, payload)


def cancel_occurrence(conn: Conn, occurrence_id: int, *, now: datetime, reason: str) -> int:
    """Cancel one occurrence and release its bookings; returns how many were released."""
    occurrences.mark_cancelled(conn, occurrence_id, now)  # locks its row
    released = cancellations.release_all(conn, occurrence_id, now, reason)
    invitations.release_occurrence(conn, occurrence_id, now, reason)
    _announce(conn, occurrence_id, "occurrence.cancelled")
    booking_news.announce_seats(conn, occurrence_id)
    return released


def move_occurrence(
    conn: Conn, occurrence_id: int, slot: Slot, *, detach: bool, now: datetime, tell: bool = True
) -> None:
    """New times for an occurrence; its bookings stay, and calendars are told by mail
    (unless ``tell`` is False: the caller tells about several at once). ``TimeTaken`` if
    another occurrence of the session starts then."""
    try:
        occurrences.set_times(
            conn, occurrence_id, starts_at=slot[0], ends_at=slot[1], detach=detach
        )
    except Conflict:
        raise TimeTaken(occurrence_id) from None
    _announce(conn, occurrence_id, "occurrence.updated")
    if tell:
        invitations.tell_moved(conn, occurrence_id, now)


def set_occurrence_capacity(
    conn: Conn, occurrence_id: int, capacity: int, *, now: datetime
) -> None:
    # a locking read of the one row answers with it as last committed
    booked = conn.value(
        "SELECT seats_booked FROM occurrences WHERE id = :id" + conn.for_update, id=occurrence_id
    )
    if booked > capacity:
        raise CapacityBelowBooked(occurrence_id, booked)
    occurrences.set_capacity(conn, occurrence_id, capacity)
    bookings.promote(conn, occurrence_id, now)
    booking_news.announce_seats(conn, occurrence_id)


def edit(
    conn: Conn,
    occurrence_id: int,
    starts_at: datetime | None,
    duration: timedelta | None,
    capacity: int | None,
    now: datetime,
) -> Occurrence:
    """The facilitator's edit of one occurrence: a new start (it becomes edited on its
    own: series edits leave it be), a new length, a new seat limit; what it is after.
    Refused: ``bookings.NoSuchOccurrence``, ``bookings.OccurrenceCancelled``,
    ``AlreadyStarted``, ``StartsInPast``, ``TimeTaken``, ``CapacityBelowBooked``."""
    if not occurrences.lock(conn, occurrence_id):
        raise bookings.NoSuchOccurrence(occurrence_id)
    found = _load(conn, occurrence_id)
    if found.status != occurrences.SCHEDULED:
        raise bookings.OccurrenceCancelled(occurrence_id)
    if found.starts_at <= now:
        raise AlreadyStarted(occurrence_id)
    if starts_at is not None and starts_at <= now:
        raise StartsInPast(occurrence_id)
    new_start = starts_at or found.starts_at
    slot = (new_start, new_start + (duration or found.ends_at - found.starts_at))
    if slot != (found.starts_at, found.ends_at):
        move_occurrence(conn, occurrence_id, slot, detach=True, now=now)
    if capacity is not None and capacity != found.capacity:
        set_occurrence_capacity(conn, occurrence_id, capacity, now=now)
    return _load(conn, occurrence_id)


def cancel(conn: Conn, occurrence_id: int, now: datetime) -> Occurrence:
    """The facilitator cancels one occurrence (``bookings.OccurrenceEnded`` once it is
    over); its bookings are released. Cancelling again changes nothing."""
    if not occurrences.lock(conn, occurrence_id):
        raise bookings.NoSuchOccurrence(occurrence_id)
    found = _load(conn, occurrence_id)
    if found.status != occurrences.SCHEDULED:
        return found
    if found.ends_at <= now:
        raise bookings.OccurrenceEnded(occurrence_id)
    cancel_occurrence(conn, occurrence_id, now=now, reason=bookings.OCCURRENCE_CANCELLED)
    return _load(conn, occurrence_id)
