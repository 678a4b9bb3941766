"""Ending a meeting for everyone (``POST /api/occurrences/{id}/end``): only the session's own
facilitator or an admin may; the room then gives out no more tokens; against the real
livekit-server everyone in the room is disconnected and told the room was deleted."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from livekit import api as lkapi
from livekit import rtc

from db import Database, room_endings
from tests.support.admin_cli import ok
from tests.support.api_client import Actor, Api, Clock, running_api
from tests.support.rtc_client import RtcParticipant
from tests.support.stack import RunningStack
from tests.test_openapi import _check

STARTS = datetime(2026, 3, 2, 18, 0, tzinfo=UTC)


async def _meeting(api: Api, starts: datetime) -> tuple[Actor, Actor, dict[str, Any]]:
    ada = await api.register("facilitator", "Ada")
    learner = await api.register("participant", "Lee")
    session = await api.create_session(ada, starts_at=starts.isoformat(), duration_minutes=60)
    occurrence = session["occurrences"][0]
    booked = await api.call("POST", f"/api/occurrences/{occurrence['id']}/bookings", as_=learner)
    assert booked.status == 201, booked.body
    return ada, learner, occurrence


async def test_only_its_facilitator_or_an_admin_may_end_it(api: Api, db_url: str) -> None:
    ada, learner, occurrence = await _meeting(api, STARTS)
    api.clock.now = STARTS + timedelta(minutes=5)
    path = f"/api/occurrences/{occurrence['id']}/end"
    other = await api.register("facilitator", "Otto")

    refusals = [
        (await api.call("POST", path), 401, "unauthorized"),
        (await api.call("POST", path, as_=learner), 403, "wrong_role"),
        (await api.call("POST", path, as_=other), 403, "not_owner"),
        (await api.call("POST", "/api/occurrences/999999/end", as_=ada), 404, "not_found"),
    ]
    for reply, status, code in refusals:
        assert (reply.status, reply.error_code) == (status, code), reply.body
        _check("POST", path, reply)
    # none of them ended anything: the learner still gets a token
    token = await api.call("POST", f"/api/occurrences/{occurrence['id']}/token", as_=learner)
    assert token.status == 200, token.body

    # an admin may end another's meeting; here livekit-server is not running, so the end is
    # recorded and the answer says the room could not be closed (asking again is safe)
    ok(db_url, "role", "grant", "admin", other.email)
    ended = await api.call("POST", path, as_=other)
    assert (ended.status, ended.error_code) == (503, "room_server_unavailable"), ended.body
    _check("POST", path, ended)
    refused = await api.call("POST", f"/api/occurrences/{occurrence['id']}/token", as_=learner)
    assert (refused.status, refused.error_code) == (403, "ended")
    assert "facilitator ended this meeting" in refused.body["error"]["message"]
    again = await api.call("POST", f"/api/occurrences/{occurrence['id']}/token", as_=ada)
    assert (again.status, again.error_code) == (403, "ended")

    db = await Database.open(db_url)
    try:
        first = await room_endings.ended_at(db, occurrence["id"])
        api.clock.advance(minutes=2)
        assert (await api.call("POST", path, as_=ada)).status == 503
        assert first == api.clock.now - timedelta(minutes=2)
        assert await room_endings.ended_at(db, occurrence["id"]) == first
    finally:
        await db.aclose()


async def test_a_cancelled_occurrence_cannot_be_ended(api: Api) -> None:
    ada, _, occurrence = await _meeting(api, STARTS)
    assert (await api.call("DELETE", f"/api/occurrences/{occurrence['id']}", as_=ada)).status == 200
    reply = await api.call("POST", f"/api/occurrences/{occurrence['id']}/end", as_=ada)
    assert (reply.status, reply.error_code) == (409, "occurrence_cancelled")


async def test_ending_disconnects_everyone_from_the_real_room(
    stack: RunningStack, db_url: str
) -> None:
    clock = Clock(datetime.now(UTC))
    async with running_api(db_url, livekit=stack.livekit_config, clock=clock) as api:
        ada, learner, occurrence = await _meeting(api, clock.now + timedelta(minutes=5))
        grants = [
            (await api.call("POST", f"/api/occurrences/{occurrence['id']}/token", as_=who)).body
            for who in (ada, learner)
        ]
        host, guest = RtcParticipant("ada"), RtcParticipant("lee")
        told: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        guest.room.on("disconnected", lambda reason: told.done() or told.set_result(reason))
        server = lkapi.LiveKitAPI(
            stack.settings.http_url, stack.settings.api_key, stack.settings.api_secret
        )
        try:
            await host.connect(grants[0]["url"], grants[0]["token"])
            await guest.connect(grants[1]["url"], grants[1]["token"])
            room = grants[0]["room"]
            listed = await server.room.list_participants(lkapi.ListParticipantsRequest(room=room))
            assert {p.identity for p in listed.participants} >= {
                f"user-{ada.id}",
                f"user-{learner.id}",
            }

            path = f"/api/occurrences/{occurrence['id']}/end"
            ended = await api.call("POST", path, as_=ada)
            assert ended.status == 200, ended.body
            _check("POST", path, ended)
            assert ended.body["room_was_open"] is True
            reason = await asyncio.wait_for(told, timeout=10)
            assert reason == rtc.DisconnectReason.ROOM_DELETED
            # livekit-server closes the room once its last participant is out: on a busy
            # machine that may take a moment after the answer
            for _ in range(50):
                rooms = await server.room.list_rooms(lkapi.ListRoomsRequest(names=[room]))
                if not rooms.rooms:
                    break
                await asyncio.sleep(0.1)
            assert list(rooms.rooms) == [], "the ended room is still open after 5 s"

            # again: the same end, nothing left to close; and no way back in
            again = await api.call("POST", path, as_=ada)
            assert again.status == 200 and again.body["ended_at"] == ended.body["ended_at"]
            assert again.body["room_was_open"] is False
            back = await api.call("POST", f"/api/occurrences/{occurrence['id']}/token", as_=learner)
            assert (back.status, back.error_code) == (403, "ended")
        finally:
            await server.aclose()
            await host.aclose()
            await guest.aclose()
