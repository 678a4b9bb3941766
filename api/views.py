"""The JSON form of each resource, shared by every endpoint that returns it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from db.accounts import User
from db.booking_reads import RosterEntry
from db.bookings import Booking
from db.occurrences import Occurrence
from db.sessions import Session


# Remembered: the same few instants (an occurrence's start and end) are written into
# answer after answer, and formatting one costs a dozen times more than looking it up.
# Equal aware datetimes are the same instant, so they format the same.
@lru_cache(maxsize=4096)
def instant(moment: datetime) -> str:
    """ISO-8601 in UTC with a Z, to the second."""
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


@lru_cache(maxsize=4096)
def local(moment: datetime, timezone: str) -> str:
    """ISO-8601 wall-clock time in ``timezone`` with its offset on that date."""
    return moment.astimezone(ZoneInfo(timezone)).isoformat(timespec="seconds")


def user(u: User) -> dict[str, object]:
    return {
        "id": u.id,
        "email": u.email,
        "display_name": u.display_name,
        "role": u.role,
        "created_at": instant(u.created_at),
    }


def occurrence(o: Occurrence, join_window: timedelta) -> dict[str, object]:
    """``join_window``: how long before the start its room lets people in (ApiConfig)."""
    return {
        "id": o.id,
        "session_id": o.session_id,
        "title": o.title,
        "level": o.level,
        "topic": o.topic,
        "facilitator": {"id": o.facilitator_id, "display_name": o.facilitator_name},
        "timezone": o.timezone,
        "starts_at": instant(o.starts_at),
        "ends_at": instant(o.ends_at),
        "starts_at_local": local(o.starts_at, o.timezone),
        "status": o.status,
        "capacity": o.capacity,
        "seats_booked": o.seats_booked,
        "seats_left": o.seats_left,
        "waitlisted": o.waitlisted,
        "edited_individually": o.detached,
        "room_opens_at": instant(o.starts_at - join_window),
    }


def booking(b: Booking) -> dict[str, object]:
    return {
        "id": b.id,
        "occurrence_id": b.occurrence_id,
        "status": b.status,
        "cancel_reason": b.cancel_reason,
        "waitlist_position": b.waitlist_position,
        "created_at": instant(b.created_at),
        "updated_at": instant(b.updated_at),
    }


def roster_entry(entry: RosterEntry) -> dict[str, object]:
    return {
        **booking(entry.booking),
        "user": {"id": entry.booking.user_id, "display_name": entry.display_name},
    }


def session(s: Session, recurrence: dict[str, object]) -> dict[str, object]:
    f = s.fields
    starts = f.starts_local.replace(tzinfo=ZoneInfo(f.timezone))
    return {
        "id": s.id,
        "facilitator": {"id": s.facilitator_id, "display_name": s.facilitator_name},
        "title": f.title,
        "description": f.description,
        "level": f.level,
        "topic": f.topic,
        "language": f.language,
        "timezone": f.timezone,
        "starts_at": starts.isoformat(timespec="seconds"),
        "duration_minutes": f.duration_minutes,
        "capacity": f.capacity,
        "recurrence": recurrence,
        "rrule": f.rrule,
        "status": s.status,
        "created_at": instant(s.created_at),
    }
