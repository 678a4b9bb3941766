"""The JSON form of invitations, for the facilitator, the invitee and the guest."""

from __future__ import annotations

from datetime import timedelta

from api import views
from api.models.invitations import Invitation, PastParticipant
from db import invitation_requests
from db.invitations import Invitation as Found
from db.occurrences import Occurrence
from db.times import from_db

Seat = tuple[int, str, str | None]  # occurrence_id, kind, held_until


def invitation(
    found: Found, seats: list[Seat], occurrence: Occurrence | None, join_window: timedelta
) -> Invitation:
    """``occurrence``: the one invited to, or the next of the series (None if none is left);
    ``join_window``: how long before its start its room opens."""
    return {
        "id": found.id,
        "session_id": found.session_id,
        "occurrence_id": found.occurrence_id,
        "series": found.occurrence_id is None,
        "kind": found.kind,
        "status": found.status,
        "email": found.email,
        "display_name": found.display_name,
        "held_seats": [
            {"occurrence_id": o, "until": views.instant(from_db(until))}
            for o, kind, until in seats
            if kind == "hold" and until
        ],
        "guest_seat": any(kind == "guest" for _, kind, _ in seats),
        "occurrence": views.occurrence(occurrence, join_window) if occurrence else None,
        "created_at": views.instant(found.created_at),
        "updated_at": views.instant(found.updated_at),
    }


def past_participant(person: invitation_requests.PastParticipant) -> PastParticipant:
    return {
        "user_id": person.user_id,
        "display_name": person.display_name,
        "last_met": views.instant(person.last_met),
        "meetings": person.meetings,
    }
