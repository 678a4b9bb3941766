"""The JSON form of each resource, shared by every endpoint that returns it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from api.models import accounts as account_answers
from api.models import session_answers as answers
from db import booking_reads, bookings, occurrences, sessions
from db.accounts import User


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
    return rfc3339(moment.astimezone(ZoneInfo(timezone)))


def rfc3339(moment: datetime) -> str:
    """ISO-8601 with its own offset, or in UTC where that offset has seconds (a zone's local
    mean time before 1900, which RFC 3339 cannot write)."""
    offset = moment.utcoffset()
    if offset is not None and offset.seconds % 60:
        return instant(moment)
    return moment.isoformat(timespec="seconds")


def user(u: User) -> account_answers.User:
    return {
        "id": u.id,
        "email": u.email,
        "display_name": u.display_name,
        "role": u.role,
        "created_at": instant(u.created_at),
    }


def occurrence(o: occurrences.Occurrence, join_window: timedelta) -> answers.Occurrence:
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


def booking(b: bookings.Booking) -> answers.Booking:
    return {
        "id": b.id,
        "occurrence_id": b.occurrence_id,
        "status": b.status,
        "cancel_reason": b.cancel_reason,
        "waitlist_position": b.waitlist_position,
        "created_at": instant(b.created_at),
        "updated_at": instant(b.updated_at),
    }


def booking_with_occurrence(
    b: bookings.Booking, o: occurrences.Occurrence, join_window: timedelta
) -> answers.BookingWithOccurrence:
    return {**booking(b), "occurrence": occurrence(o, join_window)}


def roster_entry(entry: booking_reads.RosterEntry) -> answers.RosterEntry:
    return {
        **booking(entry.booking),
        "user": {"id": entry.booking.user_id, "display_name": entry.display_name},
    }


def session(s: sessions.Session, recurrence: Any) -> answers.Session:
    """``recurrence``: api/recurrence.describe's (the shape of the Recurrence a request sends)."""
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
        "starts_at": rfc3339(starts),
        "duration_minutes": f.duration_minutes,
        "capacity": f.capacity,
        "recurrence": recurrence,
        "rrule": f.rrule,
        "status": s.status,
        "created_at": instant(s.created_at),
    }
