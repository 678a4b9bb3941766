"""``POST /livekit/webhook``: livekit-server's signed notifications about rooms.

The ``Authorization`` header is a JWT signed with our API secret that carries the body's
SHA-256; anything that does not verify is refused. Delivery may repeat, so each event id
is handled once. Room started/finished is recorded and told to the occurrence's watchers.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from aiohttp import web
from livekit import api as lkapi

from api.errors import ApiError
from api.keys import CONFIG, DB
from api.responses import json_response
from db import occurrences, rooms
from db.events import append_event, topic_for

log = logging.getLogger("colearn.api.webhooks")

RECORDED = {"room_started": "room.started", "room_finished": "room.finished"}


async def receive(request: web.Request) -> web.Response:
    config = request.app[CONFIG]
    auth = request.headers.get("Authorization", "")
    body = await request.text()
    receiver = lkapi.WebhookReceiver(
        lkapi.TokenVerifier(config.livekit.api_key, config.livekit.api_secret)
    )
    try:
        event = receiver.receive(body, auth)
    except Exception as exc:  # livekit-api raises bare Exception (and PyJWT's) on bad input
        log.warning("refused a webhook that does not verify: %s", type(exc).__name__)
        raise ApiError(
            401, "webhook_unverified", "The webhook's Authorization does not verify."
        ) from None
    if not event.id:
        raise ApiError(400, "invalid_input", "The webhook has no event id.")
    room_name = event.room.name or None
    at = datetime.fromtimestamp(event.created_at, UTC) if event.created_at else config.clock()
    db = request.app[DB]
    occurrence = await occurrences.occurrence_by_room(db, room_name) if room_name else None
    occurrence_id = occurrence.id if occurrence else None
    async with db.transaction() as conn:
        if not await rooms.first_delivery(conn, event.id, event.event, room_name):
            return json_response({"status": "duplicate"})
        kind = RECORDED.get(event.event)
        if kind is not None and room_name is not None:
            await rooms.mark(
                conn,
                event=event.event,
                room_name=room_name,
                room_sid=event.room.sid,
                occurrence_id=occurrence_id,
                at=at,
            )
            await append_event(
                conn,
                topic_for(occurrence_id, room_name),
                kind,
                {"room_name": room_name, "occurrence_id": occurrence_id, "at": at.isoformat()},
            )
    return json_response({"status": "ok"})


def setup(app: web.Application) -> None:
    app.router.add_post("/livekit/webhook", receive)
