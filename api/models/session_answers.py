"""What the sessions, occurrences, booking, rooms and live endpoints answer (api/views.py
builds them)."""

from __future__ import annotations

from typing import Annotated, Any, Literal, NotRequired

from pydantic import Field
from typing_extensions import TypedDict

from api.models.base import ANSWER
from api.models.fields import Language, Level
from api.models.operations import Person, Time
from api.models.recurrence import Recurrence

CancelReason = Literal["participant", "occurrence_cancelled", "session_cancelled", "rescheduled"]


class Occurrence(TypedDict):
    """One meeting of a session, with its seats."""

    __pydantic_config__ = ANSWER  # type: ignore[misc]
    id: int
    session_id: int
    title: str
    level: Level
    topic: str
    facilitator: Person
    timezone: str
    starts_at: Time
    ends_at: Time
    starts_at_local: Annotated[
        Time, Field(description="the start as wall-clock time in the session's time zone")
    ]
    status: Literal["scheduled", "cancelled"]
    capacity: int
    seats_booked: int
    seats_left: int
    waitlisted: int
    edited_individually: Annotated[
        bool, Field(description="moved or resized on its own; a series edit leaves it alone")
    ]
    room_opens_at: Annotated[
        Time,
        Field(
            description="from when its room lets people in: the start less the server's join"
            " window (COLEARN_JOIN_WINDOW_MINUTES)"
        ),
    ]


class Session(TypedDict):
    """A one-time session or a whole series; ``occurrences`` where one session is read."""

    __pydantic_config__ = ANSWER  # type: ignore[misc]
    id: int
    facilitator: Person
    title: str
    description: str
    level: Level
    topic: str
    language: Language
    timezone: str
    starts_at: Annotated[Time, Field(description="first start, in the session's time zone")]
    duration_minutes: int
    capacity: int
    recurrence: Recurrence
    rrule: Annotated[str | None, Field(description="the RFC 5545 rule")]
    status: Literal["active", "cancelled"]
    created_at: Time
    occurrences: NotRequired[list[Occurrence]]


class SessionPage(TypedDict):
    __pydantic_config__ = ANSWER  # type: ignore[misc]
    items: list[Session]
    next_cursor: str | None


class OccurrencePage(TypedDict):
    __pydantic_config__ = ANSWER  # type: ignore[misc]
    items: list[Occurrence]
    next_cursor: Annotated[
        str | None,
        Field(
            description="where this page ended (the `cursor` of the next page); null on the"
            " last page"
        ),
    ]


class Booking(TypedDict):
    """A seat, a place on the waitlist, or (cancelled) either of them given up."""

    __pydantic_config__ = ANSWER  # type: ignore[misc]
    id: int
    occurrence_id: int
    status: Literal["booked", "waitlisted", "cancelled"]
    cancel_reason: CancelReason | None
    waitlist_position: Annotated[int | None, Field(description="1 is next in line")]
    created_at: Time
    updated_at: Time


class BookingWithOccurrence(Booking):
    """A booking with the occurrence it is for."""

    occurrence: Occurrence


class BookingList(TypedDict):
    """The bookings booking a whole series made or found, one per occurrence."""

    __pydantic_config__ = ANSWER  # type: ignore[misc]
    items: list[Booking]


class MyBookings(TypedDict):
    __pydantic_config__ = ANSWER  # type: ignore[misc]
    items: list[BookingWithOccurrence]


class RosterEntry(Booking):
    """A booking with who made it."""

    user: Person


class Roster(TypedDict):
    """Who booked and who waits, in line order."""

    __pydantic_config__ = ANSWER  # type: ignore[misc]
    items: list[RosterEntry]


class RoomToken(TypedDict):
    __pydantic_config__ = ANSWER  # type: ignore[misc]
    token: Annotated[str, Field(description="LiveKit access token (JWT)")]
    url: Annotated[str, Field(description="livekit-server WebSocket URL")]
    room: str
    identity: Annotated[str, Field(description="user-{id}, or guest-{invitation id}")]
    role: Literal["facilitator", "participant", "guest"]
    expires_at: Time


class MeetingEnded(TypedDict):
    __pydantic_config__ = ANSWER  # type: ignore[misc]
    occurrence_id: int
    ended_at: Time
    room_was_open: Annotated[bool, Field(description="Whether anyone was in the room to remove")]


class Event(TypedDict):
    """One event of GET /api/events (the `data` of each message; api/event_hub.frame)."""

    __pydantic_config__ = ANSWER  # type: ignore[misc]
    id: int
    topic: Annotated[str, Field(description="occurrence:{id}, user:{id} or room:{name}")]
    kind: Annotated[
        str,
        Field(
            description="seats.changed, occurrence.updated, occurrence.cancelled, room.started,"
            " room.finished, booking.booked, booking.waitlisted, booking.promoted,"
            " booking.cancelled, presence.*, chat.*"
        ),
    ]
    created_at: str
    payload: Annotated[
        dict[str, Any], Field(description="what happened; its fields depend on the kind")
    ]


class StreamReady(TypedDict):
    """The `data` of GET /api/events's first message (`event: ready`)."""

    __pydantic_config__ = ANSWER  # type: ignore[misc]
    last_event_id: Annotated[int, Field(description="where the stream stands (its `id`)")]
    topics: Annotated[list[str], Field(description="what it watches, `user:{id}` among them")]
    own_events_complete: Annotated[
        bool,
        Field(
            description="false if own events older than the replay window were left out:"
            " read again what they would have changed (your bookings and invitations)"
        ),
    ]
