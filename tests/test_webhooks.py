"""``POST /livekit/webhook`` against bad bodies, forged and replayed signatures, redeliveries."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import uuid
from datetime import timedelta

from livekit import api as lkapi

from db import Database, rooms
from tests.support.api_client import Api, Reply

HEADERS = {"Content-Type": "application/webhook+json"}


def _sign(body: bytes, *, secret: str = "s" * 40, ttl: timedelta | None = None) -> str:
    digest = base64.b64encode(hashlib.sha256(body).digest()).decode()
    token = lkapi.AccessToken("colearn-test", secret).with_sha256(digest)
    if ttl is not None:
        token = token.with_ttl(ttl)
    return token.to_jwt()


def _event(room: str, event: str = "room_started", event_id: str | None = None) -> bytes:
    return json.dumps(
        {
            "event": event,
            "id": event_id or f"EV_{uuid.uuid4().hex}",
            "createdAt": "1772470800",
            "room": {"name": room, "sid": f"RM_{room}"},
        }
    ).encode()


async def _post(api: Api, body: bytes, auth: str | None) -> Reply:
    headers = dict(HEADERS)
    if auth is not None:
        headers["Authorization"] = auth
    return await api.call("POST", "/livekit/webhook", data=body, headers=headers)


async def _lifecycle(api: Api, room: str) -> list[rooms.RoomLife]:
    db = await Database.open(api.config.db_url, run_migrations=False)
    try:
        return await rooms.lifecycle(db, room)
    finally:
        await db.aclose()


def _is_error(reply: Reply, status: int, code: str) -> bool:
    return (
        reply.status == status
        and reply.error_code == code
        and isinstance(reply.body["error"]["message"], str)
    )


async def test_bodies_that_are_not_utf8_or_not_events_get_a_clear_answer(api: Api) -> None:
    not_utf8 = b"\xff\xfe\x00garbage\x80\x81"
    # unsigned: refused before anything reads the bytes (it was a 500 with a traceback)
    assert _is_error(await _post(api, not_utf8, None), 401, "webhook_unverified")
    assert _is_error(await _post(api, not_utf8, "Bearer x"), 401, "webhook_unverified")
    # signed by us, but not text, not JSON, not an object, or JSON without an id
    for body in (not_utf8, b"{not json", b"[1, 2]", b'"text"', b"{}", b'{"event": 5}'):
        reply = await _post(api, body, _sign(body))
        assert _is_error(reply, 400, "invalid_input"), (body, reply)
    deep = b"[" * 5000 + b"]" * 5000
    assert _is_error(await _post(api, deep, _sign(deep)), 400, "invalid_input")
    # the API is fine afterwards
    body = _event("after-garbage")
    assert (await _post(api, body, _sign(body))).body == {"status": "ok"}


async def test_forged_signatures_are_refused_and_change_nothing(api: Api) -> None:
    body = _event("forged")
    other = _event("other")
    no_hash = lkapi.AccessToken("colearn-test", "s" * 40).to_jwt()
    attempts = {
        "no header": None,
        "not a JWT": "definitely-not-a-jwt",
        "another secret": _sign(body, secret="x" * 40),
        "another body's hash": _sign(other),
        "no hash claim": no_hash,
        "expired": _sign(body, ttl=timedelta(minutes=-10)),
        "hash not base64": lkapi.AccessToken("colearn-test", "s" * 40).with_sha256("%%%").to_jwt(),
    }
    for what, auth in attempts.items():
        reply = await _post(api, body, auth)
        assert _is_error(reply, 401, "webhook_unverified"), (what, reply)
    assert await _lifecycle(api, "forged") == []


async def test_a_replay_or_redelivery_is_handled_once(api: Api) -> None:
    body = _event("replayed")
    auth = _sign(body)
    first = await _post(api, body, auth)
    assert first.status == 200 and first.body == {"status": "ok"}
    # the same request captured and sent again, and livekit-server redelivering with a new token
    assert (await _post(api, body, auth)).body == {"status": "duplicate"}
    assert (await _post(api, body, _sign(body))).body == {"status": "duplicate"}
    # twenty deliveries of one new event at once: exactly one is handled
    burst = _event("burst", event_id=f"EV_{uuid.uuid4().hex}")
    replies = await asyncio.gather(*(_post(api, burst, _sign(burst)) for _ in range(20)))
    statuses = sorted(r.body["status"] for r in replies)
    assert statuses == ["duplicate"] * 19 + ["ok"]
    assert len(await _lifecycle(api, "replayed")) == 1
    assert len(await _lifecycle(api, "burst")) == 1
