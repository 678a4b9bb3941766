"""``POST /api/occurrences/{id}/token``: a LiveKit token for that occurrence's room only.

Only its facilitator and its booked participants get one, only from the join window before
the start until the end, and the token expires when the occurrence ends.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from aiohttp import web

from api import views
from api.auth import require_user
from api.authorization import require
from api.errors import ApiError
from api.keys import CONFIG, DB
from api.lookup import occurrence_or_404, path_id
from api.models.session_answers import RoomToken
from api.models.sessions import EmptyBody
from api.responses import json_response
from api.room_tokens import FACILITATOR, PARTICIPANT, room_token
from api.validation import read_body
from db import occurrences, room_endings
from db.accounts import User
from db.occurrences import Occurrence

# A token cannot be shorter-lived than this, so someone let in a second before the end
# can still connect.
MIN_TTL = timedelta(minutes=1)


def identity_of(user: User) -> str:
    return f"user-{user.id}"


def _check_window(occurrence: Occurrence, now: datetime, window: timedelta) -> None:
    opens = occurrence.starts_at - window
    if now < opens:
        minutes = int(window.total_seconds() // 60)
        raise ApiError(
            403,
            "too_early",
            f"The room opens at {views.instant(opens)}, {minutes} minutes before the start.",
        )
    if now >= occurrence.ends_at:
        raise ApiError(403, "ended", "This occurrence has ended; its room is closed.")


async def refuse_if_ended(request: web.Request, occurrence: Occurrence) -> None:
    """No way back in once the facilitator ended the meeting for everyone."""
    if await room_endings.ended_at(request.app[DB], occurrence.id) is not None:
        raise ApiError(403, "ended", "The facilitator ended this meeting; its room is closed.")


async def token(request: web.Request) -> web.Response:
    user = await require_user(request)
    occurrence = await occurrence_or_404(request, path_id(request))
    await read_body(request, EmptyBody)
    config = request.app[CONFIG]
    if occurrence.status != occurrences.SCHEDULED:
        raise ApiError(403, "occurrence_cancelled", "This occurrence was cancelled.")
    await require(request, "occurrence.room_token", occurrence)  # api/authorization.py
    role = FACILITATOR if user.id == occurrence.facilitator_id else PARTICIPANT
    now = config.clock()
    _check_window(occurrence, now, config.join_window)
    await refuse_if_ended(request, occurrence)
    ttl = max(occurrence.ends_at - now, MIN_TTL)
    jwt = room_token(
        config.livekit,
        room=occurrence.room_name,
        identity=identity_of(user),
        name=user.display_name,
        role=role,
        ttl=ttl,
    )
    answer: RoomToken = {
        "token": jwt,
        "url": config.livekit.url,
        "room": occurrence.room_name,
        "identity": identity_of(user),
        "role": role,
        "expires_at": views.instant(now + ttl),
    }
    return json_response(answer)


def setup(app: web.Application) -> None:
    app.router.add_post(r"/api/occurrences/{id:\d+}/token", token)
