"""What a booking change tells others: everyone watching an occurrence gets its seat
figures, the booking's owner an event (and a mail) about their booking. Called inside the
units of work of ``db.bookings``, ``db.cancellations``, invitations and occurrence changes."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from db import occurrences, outbox
from db.conn import Conn
from db.engines import at_group_end
from db.events import record_event

if TYPE_CHECKING:
    from db.bookings import Booking


def announce_seats(conn: Conn, occurrence_id: int) -> None:
    """Tell everyone watching the occurrence its seat figures, as committed: in a group
    commit, once at the group's end however many of its writes changed them."""
    at_group_end(conn, ("seats", occurrence_id), lambda c: _announce_now(c, occurrence_id))


def _announce_now(conn: Conn, occurrence_id: int) -> None:
    current = occurrences.load(conn, occurrence_id)
    if current is None:
        return  # deleted later in the same unit (a reschedule dropped it): nothing to show
    payload = {
        "occurrence_id": current.id,
        "status": current.status,
        "capacity": current.capacity,
        "seats_booked": current.seats_booked,
        "seats_left": current.seats_left,
        "waitlisted": current.waitlisted,
    }
    record_event(conn, f"occurrence:{current.id}", "seats.changed", payload)


def tell(conn: Conn, kind: str, booking: Booking) -> None:
    """An event for the booking's owner only."""
    payload = {
        "booking_id": booking.id,
        "occurrence_id": booking.occurrence_id,
        "status": booking.status,
        "cancel_reason": booking.cancel_reason,
        "waitlist_position": booking.waitlist_position,
    }
    record_event(conn, f"user:{booking.user_id}", kind, payload)


def tell_and_mail(
    conn: Conn,
    kind: str,
    mail: str,
    booking: Booking,
    now: datetime,
    payload: dict[str, Any] | None = None,
    *,
    series_wide: bool = False,
) -> None:
    """The owner's event and mail about what just happened to their booking."""
    tell(conn, kind, booking)
    outbox.enqueue(
        conn,
        mail,
        now=now,
        user_id=booking.user_id,
        occurrence_id=booking.occurrence_id,
        payload={"booking_id": booking.id, **(payload or {})},
        series_wide=series_wide,
    )
