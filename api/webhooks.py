"""``POST /livekit/webhook``: livekit-server's signed notifications about rooms.

The ``Authorization`` header is a JWT signed with our API secret that carries the body's
SHA-256; anything that does not verify is refused (401), the hash taken over the raw bytes
received, before anything reads them as text. A token expires (livekit-server's last five
minutes), so a captured request cannot be replayed later; replayed sooner, or redelivered,
it names an event id already handled and changes nothing (``{"status": "duplicate"}``).
A body that verifies but is not UTF-8 JSON of a webhook event is a 400. Room
started/finished is recorded and told to the occurrence's watchers.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
from datetime import UTC, datetime

from aiohttp import web
from google.protobuf.json_format import Parse, ParseError
from livekit import api as lkapi

from api.errors import ApiError
from api.keys import CONFIG, DB
from api.models.operations import WebhookAck
from api.responses import json_response
from db import rooms
from db.conn import Conn
from db.events import record_event, topic_for

log = logging.getLogger("colearn.api.webhooks")

RECORDED = {"room_started": "room.started", "room_finished": "room.finished"}


async def receive(request: web.Request) -> web.Response:
    config = request.app[CONFIG]
    body = await request.read()
    _verify(config.livekit.api_key, config.livekit.api_secret, request, body)
    try:
        event = Parse(body.decode("utf-8"), lkapi.WebhookEvent(), ignore_unknown_fields=True)
    except (UnicodeDecodeError, ParseError, ValueError, RecursionError):
        raise ApiError(400, "invalid_input", "The webhook's body is not a JSON event.") from None
    if not event.id:
        raise ApiError(400, "invalid_input", "The webhook has no event id.")
    room_name = event.room.name or None
    at = datetime.fromtimestamp(event.created_at, UTC) if event.created_at else config.clock()
    first = await request.app[DB].write(
        _handle, event.id, event.event, room_name, event.room.sid, at
    )
    ack: WebhookAck = {"status": "ok" if first else "duplicate"}
    return json_response(ack)


def _verify(key: str, secret: str, request: web.Request, body: bytes) -> None:
    """401 unless the Authorization token is ours, unexpired, and carries ``body``'s hash."""
    try:
        claims = lkapi.TokenVerifier(key, secret).verify(request.headers.get("Authorization", ""))
        claimed = base64.b64decode(claims.sha256, validate=True)
    except Exception as exc:  # PyJWT's errors, ValueError, binascii.Error
        log.warning("refused a webhook that does not verify: %s", type(exc).__name__)
        claimed = b""
    if not claimed or not hmac.compare_digest(claimed, hashlib.sha256(body).digest()):
        raise ApiError(401, "webhook_unverified", "The webhook's Authorization does not verify.")


def _handle(
    conn: Conn, event_id: str, event: str, room_name: str | None, room_sid: str, at: datetime
) -> bool:
    """The webhook as one unit of work: recorded by its id, and only the first delivery
    changes anything; False for a redelivery."""
    if not rooms.first_delivery(conn, event_id, event, room_name):
        return False
    kind = RECORDED.get(event)
    if kind is not None and room_name is not None:
        occurrence_id = rooms.mark(conn, event, room_name, room_sid, at)
        record_event(
            conn,
            topic_for(occurrence_id, room_name),
            kind,
            {"room_name": room_name, "occurrence_id": occurrence_id, "at": at.isoformat()},
        )
    return True


def setup(app: web.Application) -> None:
    app.router.add_post("/livekit/webhook", receive)
