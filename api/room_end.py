"""``POST /api/occurrences/{id}/end``: the facilitator ends the meeting for everyone.

The occurrence is marked ended first (its room gives out no more tokens, so nobody can
come back in), then livekit-server deletes the room: everyone in it is disconnected and
each client is told why (``ROOM_DELETED``), so the page says the facilitator ended it.
Only the session's own facilitator or an admin may; ending again is harmless.
"""

from __future__ import annotations

from aiohttp import web

from api import views
from api.authorization import require_occurrence
from api.errors import ApiError
from api.keys import CONFIG, DB, HTTP
from api.models.session_answers import MeetingEnded
from api.models.sessions import EmptyBody
from api.responses import json_response
from api.room_service import RoomServerUnavailable, close_room
from api.validation import read_body
from db import occurrences, room_endings


async def end_meeting(request: web.Request) -> web.Response:
    _user, found = await require_occurrence(request, "occurrence.end")
    await read_body(request, EmptyBody)
    if found.status != occurrences.SCHEDULED:
        raise ApiError(409, "occurrence_cancelled", "This occurrence was cancelled.")
    config = request.app[CONFIG]
    ended = await request.app[DB].write(room_endings.end, found.id, config.clock())
    if ended is None:  # deleted between the two statements
        raise ApiError(404, "not_found", f"There is no occurrence {found.id}.")
    try:
        was_open = await close_room(config.livekit, request.app[HTTP], found.room_name)
    except RoomServerUnavailable:
        raise ApiError(
            503,
            "room_server_unavailable",
            "The meeting is marked ended and nobody can join again, but the room server did "
            "not answer, so those in the room are still there; try again.",
        ) from None
    answer: MeetingEnded = {
        "occurrence_id": found.id,
        "ended_at": views.instant(ended),
        "room_was_open": was_open,
    }
    return json_response(answer)


def setup(app: web.Application) -> None:
    app.router.add_post(r"/api/occurrences/{id:\d+}/end", end_meeting)
