"""What the API shows of bookings: one person's, one occurrence's roster, one booking."""

from __future__ import annotations

from dataclasses import dataclass

from db.bookings import (
    COLUMNS,
    SELECT,
    Booking,
    Outcome,
    from_row,
    load,
    load_occurrence,
    load_of,
)
from db.conn import Conn
from db.rows import Source, run


@dataclass(frozen=True)
class RosterEntry:
    booking: Booking
    display_name: str


class NoSuchBooking(LookupError):
    pass


class NotYours(Exception):
    """The booking is someone else's."""


def _of_user(conn: Conn, user_id: int) -> list[Outcome]:
    rows = conn.all(
        f"{SELECT} JOIN occurrences o ON o.id = b.occurrence_id WHERE b.user_id = :user"
        " ORDER BY o.starts_at, b.id",
        user=user_id,
    )
    return [
        Outcome(made, False, load_occurrence(conn, made.occurrence_id))
        for made in map(from_row, rows)
    ]


def _roster(conn: Conn, occurrence_id: int) -> list[RosterEntry]:
    rows = conn.all(
        f"SELECT {COLUMNS}, u.display_name FROM bookings b JOIN users u ON u.id = b.user_id"
        " WHERE b.occurrence_id = :occurrence"
        " ORDER BY CASE b.status WHEN 'booked' THEN 0 WHEN 'waitlisted' THEN 1 ELSE 2 END,"
        " b.waitlisted_at, b.id",
        occurrence=occurrence_id,
    )
    return [RosterEntry(from_row(row), row["display_name"]) for row in rows]


def owned(conn: Conn, booking_id: int, user_id: int) -> Booking:
    """The booking, if it is ``user_id``'s: ``NoSuchBooking``, ``NotYours``."""
    found = load(conn, booking_id)
    if found is None:
        raise NoSuchBooking(booking_id)
    if found.user_id != user_id:
        raise NotYours(booking_id)
    return found


def _owned_shown(conn: Conn, booking_id: int, user_id: int) -> Outcome:
    found = owned(conn, booking_id, user_id)
    return Outcome(found, False, load_occurrence(conn, found.occurrence_id))


async def booking_of(source: Source, occurrence_id: int, user_id: int) -> Booking | None:
    return await run(source, load_of, occurrence_id, user_id)


async def of_user(source: Source, user_id: int) -> list[Outcome]:
    """The user's bookings, soonest first, each with its occurrence (a cancelled one too:
    that is how its people see it was cancelled)."""
    return await run(source, _of_user, user_id)


async def own_booking(source: Source, booking_id: int, user_id: int) -> Outcome:
    """The user's booking with its occurrence: ``NoSuchBooking``, ``NotYours``."""
    return await run(source, _owned_shown, booking_id, user_id)


async def roster(source: Source, occurrence_id: int) -> list[RosterEntry]:
    """Who is booked, then who waits (in line order), then who cancelled."""
    return await run(source, _roster, occurrence_id)
