"""Invitations: whom a facilitator invites, the invitations members answer, the guest link's
requests, and one's mail settings."""

from __future__ import annotations

from typing import Annotated, Literal, NotRequired

from pydantic import Field, PlainValidator, WithJsonSchema, model_validator
from typing_extensions import TypedDict

from api import passwords
from api.models.base import ANSWER, Body, stating
from api.models.fields import (
    LINE,
    LINE_OR_BLANK,
    DisplayName,
    Email,
    Flag,
    NewPassword,
    Text,
    Whole,
    refuse,
)
from api.models.operations import Time
from api.models.sessions import Booking, Occurrence
from db.invitation_requests import MAX_PER_REQUEST

MIN_HOLD, MAX_HOLD = 5, 7 * 24 * 60  # minutes
MAX_TOKEN = 100
NOT_PAST = "must be one of your past participants (GET /api/invitations/candidates)"
NOBODY = "name whom to invite: emails, user_ids, or both"


def _user_id(value: object) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # JSON (and JSON Schema's integer) does not tell 48.0 from 48
    if not isinstance(value, int) or isinstance(value, bool):
        raise refuse(NOT_PAST)
    return value


# A past participant's user id; whether it is one is the handler's 422 (no schema states it).
UserId = Annotated[int, PlainValidator(_user_id), WithJsonSchema({"type": "integer"})]

# The fragment of a guest link, as typed or pasted: trimmed, one line.
GuestToken = Text(LINE, max_length=MAX_TOKEN)


# The schema says what ``InvitationRequest._someone`` checks: at least one person.
_SOMEONE_NAMED = stating(
    anyOf=[
        {"required": [name], "properties": {name: {"type": "array", "minItems": 1}}}
        for name in ("emails", "user_ids")
    ]
)


class InvitationRequest(Body):
    """Whom to invite: `emails`, `user_ids`, or both (at least one person)"""

    model_config = _SOMEONE_NAMED

    emails: Annotated[list[Email], Field(default_factory=list, max_length=MAX_PER_REQUEST)]
    user_ids: Annotated[
        list[UserId],
        Field(
            default_factory=list,
            max_length=MAX_PER_REQUEST,
            description="from GET /api/invitations/candidates",
        ),
    ]
    hold_minutes: (
        Whole(MIN_HOLD, MAX_HOLD, description="hold a seat for each invitee this long") | None
    ) = None

    @model_validator(mode="after")
    def _someone(self) -> InvitationRequest:
        if not self.emails and not self.user_ids:
            raise refuse(NOBODY)
        return self


class GuestLink(Body):
    token: Text(
        LINE, max_length=MAX_TOKEN, description="the fragment of the guest link (/guest#TOKEN)"
    )


class GuestAccept(Body):
    token: GuestToken
    display_name: DisplayName


class GuestAccount(Body):
    token: GuestToken
    password: NewPassword
    display_name: Annotated[
        Text(LINE_OR_BLANK, max_length=passwords.MAX_NAME),
        Field(description="left out or blank: the name the guest entered"),
    ] = ""


class MailSettingsChange(Body):
    reminders: Flag


class HeldSeat(TypedDict):
    __pydantic_config__ = ANSWER  # type: ignore[misc]
    occurrence_id: int
    until: Time


class _Invited(TypedDict):
    """What every answer about an invitation says (the address only to members)."""

    __pydantic_config__ = ANSWER  # type: ignore[misc]
    id: int
    session_id: int
    occurrence_id: Annotated[int | None, Field(description="null for the whole series")]
    series: bool
    kind: Literal["member", "guest"]
    status: Literal["pending", "accepted", "declined", "revoked"]
    display_name: Annotated[
        str | None, Field(description="the member's name, or the name the guest entered")
    ]
    held_seats: list[HeldSeat]
    guest_seat: bool
    occurrence: Annotated[
        Occurrence | None,
        Field(description="the occurrence, or the series' next one (null if none is left)"),
    ]
    created_at: Time
    updated_at: Time


class Invitation(_Invited):
    __pydantic_config__ = ANSWER  # type: ignore[misc]
    email: Annotated[str, Field(description="the invited address")]
    created: NotRequired[
        Annotated[
            bool,
            Field(description="in an invite's answer: false if this invitation existed already"),
        ]
    ]


class InvitationList(TypedDict):
    __pydantic_config__ = ANSWER  # type: ignore[misc]
    items: list[Invitation]


class InvitationAnswer(Invitation):
    """An accepted invitation with the bookings accepting made."""

    __pydantic_config__ = ANSWER  # type: ignore[misc]
    bookings: list[Booking]


class GuestInvitation(_Invited):
    """An invitation as its guest link shows it: not the address it was sent to."""

    __pydantic_config__ = ANSWER  # type: ignore[misc]
    has_account: bool


class PastParticipant(TypedDict):
    __pydantic_config__ = ANSWER  # type: ignore[misc]
    user_id: int
    display_name: str
    last_met: Time
    meetings: int


class PastParticipants(TypedDict):
    __pydantic_config__ = ANSWER  # type: ignore[misc]
    items: list[PastParticipant]


class MailSettings(TypedDict):
    __pydantic_config__ = ANSWER  # type: ignore[misc]
    reminders: bool
    reminder_lead_minutes: int
    always_sent: Annotated[
        list[str], Field(description="the kinds of mail that cannot be turned off")
    ]


REQUESTS = (InvitationRequest, GuestLink, GuestAccept, GuestAccount, MailSettingsChange)
ANSWERS = (
    Invitation,
    InvitationList,
    InvitationAnswer,
    GuestInvitation,
    PastParticipants,
    MailSettings,
)
