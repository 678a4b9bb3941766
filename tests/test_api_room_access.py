"""Room tokens: who gets one, when, and with which rights; webhooks from livekit-server."""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
from datetime import UTC, datetime, timedelta

import aiohttp
from livekit import api as lkapi

from colearn.wire import ATTR_ROLE
from tests.support.api_client import PASSWORD, Actor, Api, running_api
from tests.support.rtc_client import RtcParticipant
from tests.support.sse import SseStream, kind
from tests.support.stack import RunningStack

STARTS = datetime(2026, 3, 2, 18, 0, tzinfo=UTC)


async def _booked_occurrence(api: Api) -> tuple[Actor, Actor, dict[str, object]]:
    ada = await api.register("facilitator", "Ada")
    learner = await api.register("participant", "Lee")
    session = await api.create_session(ada, starts_at=STARTS.isoformat(), duration_minutes=60)
    occurrence = session["occurrences"][0]
    await api.call("POST", f"/api/occurrences/{occurrence['id']}/bookings", as_=learner)
    return ada, learner, occurrence


def _claims(api: Api, token: str) -> lkapi.access_token.Claims:
    livekit = api.config.livekit
    return lkapi.TokenVerifier(livekit.api_key, livekit.api_secret).verify(token)


async def test_tokens_open_with_the_join_window_and_close_at_the_end(api: Api) -> None:
    _, learner, occurrence = await _booked_occurrence(api)
    path = f"/api/occurrences/{occurrence['id']}/token"
    api.clock.now = STARTS - timedelta(minutes=15, seconds=1)
    early = await api.call("POST", path, as_=learner)
    assert early.status == 403 and early.error_code == "too_early"
    assert "17:45:00Z" in early.body["error"]["message"]
    api.clock.now = STARTS - timedelta(minutes=15)
    assert (await api.call("POST", path, as_=learner)).status == 200
    api.clock.now = STARTS + timedelta(minutes=59)
    assert (await api.call("POST", path, as_=learner)).status == 200
    api.clock.now = STARTS + timedelta(minutes=60)
    ended = await api.call("POST", path, as_=learner)
    assert ended.status == 403 and ended.error_code == "ended"


async def test_the_page_is_told_when_the_room_opens_with_the_servers_join_window(
    db_url: str,
) -> None:
    async with running_api(db_url, join_window_minutes=40) as api:
        _, learner, occurrence = await _booked_occurrence(api)
        assert occurrence["room_opens_at"] == "2026-03-02T17:20:00Z"
        mine = await api.call("GET", "/api/bookings", as_=learner)
        assert mine.body["items"][0]["occurrence"]["room_opens_at"] == "2026-03-02T17:20:00Z"
        api.clock.now = STARTS - timedelta(minutes=40)  # the room does open then
        path = f"/api/occurrences/{occurrence['id']}/token"
        assert (await api.call("POST", path, as_=learner)).status == 200


async def test_a_participant_token_joins_only_that_room_with_participant_rights(api: Api) -> None:
    _, learner, occurrence = await _booked_occurrence(api)
    api.clock.now = STARTS - timedelta(minutes=5)
    reply = await api.call("POST", f"/api/occurrences/{occurrence['id']}/token", as_=learner)
    assert reply.status == 200
    assert reply.body["url"] == api.config.livekit.url
    assert reply.body["identity"] == f"user-{learner.id}"
    claims = _claims(api, reply.body["token"])
    assert claims.identity == f"user-{learner.id}" and claims.name == "Lee"
    assert claims.attributes == {ATTR_ROLE: "participant"}
    video = claims.video
    assert video is not None
    assert video.room == reply.body["room"] and video.room_join
    assert not (video.room_admin or video.room_create or video.room_list or video.room_record)
    assert video.can_publish and video.can_subscribe and video.can_publish_data
    # valid until the end of the occurrence, not LiveKit's default six hours
    expires = datetime.fromisoformat(reply.body["expires_at"])
    assert expires == STARTS + timedelta(minutes=60)


async def test_the_facilitator_is_not_room_admin(api: Api) -> None:
    # ending the meeting and removing a guest go through the API (livekit-server's
    # RoomService), so a facilitator's token copied out of the browser cannot do either
    ada, _, occurrence = await _booked_occurrence(api)
    api.clock.now = STARTS - timedelta(minutes=10)
    reply = await api.call("POST", f"/api/occurrences/{occurrence['id']}/token", as_=ada)
    claims = _claims(api, reply.body["token"])
    assert claims.attributes == {ATTR_ROLE: "facilitator"}
    assert claims.video is not None and not claims.video.room_admin
    assert claims.video.can_publish_sources == ["camera", "microphone", "screen_share"]


async def test_refusals_say_why(api: Api) -> None:
    ada, learner, occurrence = await _booked_occurrence(api)
    stranger, waiting = await api.register(), await api.register()
    full = await api.create_session(ada, starts_at=STARTS.isoformat(), capacity=1)
    full_id = full["occurrences"][0]["id"]
    await api.call("POST", f"/api/occurrences/{full_id}/bookings", as_=learner)
    await api.call("POST", f"/api/occurrences/{full_id}/waitlist", as_=waiting)
    api.clock.now = STARTS - timedelta(minutes=5)
    path = f"/api/occurrences/{occurrence['id']}/token"

    not_booked = await api.call("POST", path, as_=stranger)
    assert not_booked.status == 403 and not_booked.error_code == "not_booked"
    waitlisted = await api.call("POST", f"/api/occurrences/{full_id}/token", as_=waiting)
    assert waitlisted.error_code == "not_booked"
    assert "number 1 on the waitlist" in waitlisted.body["error"]["message"]
    await api.call("DELETE", f"/api/occurrences/{occurrence['id']}", as_=ada)
    cancelled = await api.call("POST", path, as_=learner)
    assert cancelled.status == 403 and cancelled.error_code == "occurrence_cancelled"


def _signed(api: Api, body: str) -> str:
    digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
    livekit = api.config.livekit
    return lkapi.AccessToken(livekit.api_key, livekit.api_secret).with_sha256(digest).to_jwt()


async def test_webhooks_are_verified_recorded_and_deduplicated(api: Api) -> None:
    _, learner, occurrence = await _booked_occurrence(api)
    room = (await api.call("GET", f"/api/occurrences/{occurrence['id']}")).body
    api.clock.now = STARTS - timedelta(minutes=5)
    token = await api.call("POST", f"/api/occurrences/{occurrence['id']}/token", as_=learner)
    event = {
        "event": "room_started",
        "id": f"EV_{uuid.uuid4().hex}",
        "createdAt": str(int(STARTS.timestamp())),
        "room": {"name": token.body["room"], "sid": "RM_test"},
    }
    body = json.dumps(event)
    headers = {"Content-Type": "application/webhook+json"}
    async with aiohttp.ClientSession() as http:
        stream_response = await http.get(
            f"{api.url}/api/events?occurrences={room['id']}",
            headers={"Authorization": f"Bearer {learner.token}"},
        )
        stream = SseStream(stream_response)
        first = await api.call(
            "POST",
            "/livekit/webhook",
            data=body,
            headers={**headers, "Authorization": _signed(api, body)},
        )
        assert first.status == 200 and first.body == {"status": "ok"}
        started = await stream.until(kind("room.started"), what="room.started")
        assert started.data["payload"]["occurrence_id"] == room["id"]
        again = await api.call(
            "POST",
            "/livekit/webhook",
            data=body,
            headers={**headers, "Authorization": _signed(api, body)},
        )
        assert again.body == {"status": "duplicate"}
        tampered = body.replace("room_started", "room_finished")
        forged = await api.call(
            "POST",
            "/livekit/webhook",
            data=tampered,
            headers={**headers, "Authorization": _signed(api, body)},
        )
        assert forged.status == 401 and forged.error_code == "webhook_unverified"
        stream.close()


async def test_an_api_token_joins_the_real_livekit_server(
    stack: RunningStack, api_url: str
) -> None:
    """The API as `make run` serves it (real clock, livekit-server's webhooks coming in)."""
    async with aiohttp.ClientSession() as http:

        async def call(method: str, path: str, token: str | None = None, **body: object) -> dict:
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            async with http.request(
                method, api_url + path, json=body or None, headers=headers
            ) as response:
                return {**(await response.json()), "http": response.status}

        tokens: dict[str, str] = {}
        for role in ("facilitator", "participant"):
            email = f"{role}-{uuid.uuid4().hex[:8]}@example.org"
            await call(
                "POST",
                "/api/accounts",
                email=email,
                password=PASSWORD,
                display_name=role,
                role=role,
            )
            tokens[role] = (
                await call("POST", "/api/auth/sign-in", email=email, password=PASSWORD)
            )["token"]
        soon = datetime.now(UTC) + timedelta(minutes=5)
        later = datetime.now(UTC) + timedelta(hours=3)
        occurrence, far_occurrence = [
            (
                await call(
                    "POST",
                    "/api/sessions",
                    tokens["facilitator"],
                    title="Live",
                    timezone="Europe/Berlin",
                    starts_at=when.isoformat(),
                    duration_minutes=30,
                    capacity=4,
                )
            )["occurrences"][0]["id"]
            for when in (soon, later)
        ]
        for target in (occurrence, far_occurrence):
            booked = await call(
                "POST", f"/api/occurrences/{target}/bookings", tokens["participant"]
            )
            assert booked["http"] == 201
        refused = await call(
            "POST", f"/api/occurrences/{far_occurrence}/token", tokens["participant"]
        )
        assert refused["http"] == 403 and refused["error"]["code"] == "too_early"

        granted = await call("POST", f"/api/occurrences/{occurrence}/token", tokens["participant"])
        assert granted["http"] == 200
        stream_response = await http.get(
            f"{api_url}/api/events?occurrences={occurrence}",
            headers={"Authorization": f"Bearer {tokens['participant']}"},
        )
        stream = SseStream(stream_response)
        learner = RtcParticipant(granted["identity"])
        try:
            await learner.connect(granted["url"], granted["token"])
            assert learner.room.name == granted["room"]
            local = learner.room.local_participant
            assert local.identity == granted["identity"]
            assert local.attributes.get(ATTR_ROLE) == "participant"
            # livekit-server's signed webhook reached the API and was recorded
            started = await stream.until(kind("room.started"), within=15, what="room.started")
            assert started.data["payload"]["room_name"] == granted["room"]
        finally:
            await learner.aclose()
            stream.close()
