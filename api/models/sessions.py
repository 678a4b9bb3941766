"""Sessions, their occurrences, booking and the rooms: what a facilitator sends to create or
edit a series or one meeting (the recurrence in api/models/recurrence.py), and the answers
(api/models/session_answers.py, built by api/views.py)."""

from __future__ import annotations

from api.models.base import Body
from api.models.fields import (
    LINE,
    LINE_OR_BLANK,
    PROSE,
    Instant,
    Language,
    Level,
    Text,
    TimeZone,
    Whole,
)
from api.models.recurrence import Recurrence
from api.models.session_answers import (
    Booking,
    BookingList,
    BookingWithOccurrence,
    Event,
    MeetingEnded,
    MyBookings,
    Occurrence,
    OccurrencePage,
    RoomToken,
    Roster,
    RosterEntry,
    Session,
    SessionPage,
    StreamReady,
)

MAX_TITLE, MAX_DESCRIPTION, MAX_TOPIC = 120, 4000, 60
MIN_DURATION, MAX_DURATION = 5, 480
MAX_CAPACITY = 500


class SessionInput(Body):
    """A new session: one meeting, or a series (``recurrence``)."""

    title: Text(LINE, max_length=MAX_TITLE)
    description: Text(PROSE, max_length=MAX_DESCRIPTION) = ""
    level: Level = ""
    topic: Text(PROSE, max_length=MAX_TOPIC) = ""
    language: Language | None = None
    timezone: TimeZone
    starts_at: Instant
    duration_minutes: Whole(MIN_DURATION, MAX_DURATION)
    capacity: Whole(1, MAX_CAPACITY)
    recurrence: Recurrence | None = None


class SessionPatch(Body):
    """The fields that change; the others keep what is stored."""

    title: Text(LINE_OR_BLANK, max_length=MAX_TITLE, description="blank keeps the title") = ""
    description: Text(PROSE, max_length=MAX_DESCRIPTION) | None = None
    level: Level | None = None
    topic: Text(PROSE, max_length=MAX_TOPIC) | None = None
    language: Language | None = None
    timezone: TimeZone | None = None
    starts_at: Instant | None = None
    duration_minutes: Whole(MIN_DURATION, MAX_DURATION) | None = None
    capacity: Whole(1, MAX_CAPACITY) | None = None
    recurrence: Recurrence | None = None


class OccurrencePatch(Body):
    """This one meeting moved or resized; it keeps its bookings."""

    starts_at: Instant | None = None
    duration_minutes: Whole(MIN_DURATION, MAX_DURATION) | None = None
    capacity: Whole(1, MAX_CAPACITY) | None = None


class EmptyBody(Body):
    """A write that sends nothing (booking, a room token, ending a meeting): an empty object
    or no body; any field is refused by name. Not in the document (those have no body)."""


REQUESTS: tuple[type, ...] = (Recurrence, SessionInput, SessionPatch, OccurrencePatch)
ANSWERS: tuple[type, ...] = (
    Session,
    SessionPage,
    Occurrence,
    OccurrencePage,
    Booking,
    BookingWithOccurrence,
    BookingList,
    MyBookings,
    RosterEntry,
    Roster,
    RoomToken,
    MeetingEnded,
    Event,
    StreamReady,
)
