"""An occurrence's transcript over HTTP (JSON and WebVTT), and the per-session captions switch."""

from __future__ import annotations

from datetime import timedelta

import aiohttp
import webvtt

from db import Database, occurrences
from db.transcripts import Segment, caption_settings, insert_segment
from tests.support.api_client import Actor, Api


async def _booked_occurrence(api: Api) -> tuple[Actor, Actor, int]:
    ada = await api.register("facilitator", name="Ada")
    session = await api.create_session(ada)
    occurrence_id = session["occurrences"][0]["id"]
    ben = await api.register(name="Ben")
    booked = await api.call("POST", f"/api/occurrences/{occurrence_id}/bookings", as_=ben)
    assert booked.status == 201, booked.body
    return ada, ben, occurrence_id


async def _say(api: Api, occurrence_id: int, lines: list[tuple[str, str, float, float]]) -> None:
    """Store segments as the agent does: (speaker, text, seconds after start, duration)."""
    db = await Database.open(api.config.db_url, run_migrations=False)
    try:
        occurrence = await occurrences.occurrence(db, occurrence_id)
        assert occurrence is not None
        for number, (speaker, text, offset, duration) in enumerate(lines):
            started = occurrence.starts_at + timedelta(seconds=offset)
            segment = Segment(
                f"SG_{occurrence_id}_{number}",
                f"user-{speaker}",
                speaker,
                "TR_mic",
                text,
                started,
                started + timedelta(seconds=duration),
            )
            await db.write(insert_segment, occurrence.room_name, occurrence_id, segment)
    finally:
        await db.aclose()


async def _anonymous_status(api: Api, method: str, path: str) -> int:
    # The test client keeps the cookies of every sign-in; a stranger's browser has none.
    async with (
        aiohttp.ClientSession() as http,
        http.request(method, api.url + path, json={"enabled": False}) as response,
    ):
        return response.status


LINES = [
    ("Ada", "Welcome back, everyone.", 5.0, 2.0),
    ("Ben", "Thank you, I practised a lot.", 8.5, 2.5),
]


async def test_facilitator_and_booked_people_read_the_transcript_in_order(api: Api) -> None:
    ada, ben, occurrence_id = await _booked_occurrence(api)
    await _say(api, occurrence_id, LINES)
    for reader in (ada, ben):
        reply = await api.call("GET", f"/api/occurrences/{occurrence_id}/transcript", as_=reader)
        assert reply.status == 200, reply.body
        assert [(s["speaker"]["name"], s["text"]) for s in reply.body["segments"]] == [
            (speaker, text) for speaker, text, _, _ in LINES
        ]


async def test_the_transcript_downloads_as_webvtt_timed_from_the_start(api: Api) -> None:
    _ada, ben, occurrence_id = await _booked_occurrence(api)
    await _say(api, occurrence_id, LINES)
    async with api.client.get(
        f"/api/occurrences/{occurrence_id}/transcript.vtt",
        headers={"Authorization": f"Bearer {ben.token}"},
    ) as response:
        assert response.status == 200
        assert response.content_type == "text/vtt"
        assert "attachment" in response.headers["Content-Disposition"]
        document = webvtt.from_string(await response.text())
    cues = [(c.start, c.end, c.voice, c.text) for c in document.captions]
    assert cues == [
        ("00:00:05.000", "00:00:07.000", "Ada", "Welcome back, everyone."),
        ("00:00:08.500", "00:00:11.000", "Ben", "Thank you, I practised a lot."),
    ]


async def test_others_cannot_read_a_transcript(api: Api) -> None:
    _ada, _ben, occurrence_id = await _booked_occurrence(api)
    stranger = await api.register()
    other_facilitator = await api.register("facilitator")
    path = f"/api/occurrences/{occurrence_id}/transcript"
    assert await _anonymous_status(api, "GET", path) == 401
    for outsider in (stranger, other_facilitator):
        reply = await api.call("GET", path, as_=outsider)
        assert (reply.status, reply.error_code) == (403, "not_a_member")
    missing = await api.call("GET", "/api/occurrences/999999/transcript", as_=stranger)
    assert missing.status == 404


async def test_only_the_sessions_facilitator_switches_captions(api: Api) -> None:
    ada, ben, occurrence_id = await _booked_occurrence(api)
    session_id = (await api.call("GET", f"/api/occurrences/{occurrence_id}", as_=ada)).body[
        "session_id"
    ]
    path = f"/api/sessions/{session_id}/captions"
    other = await api.register("facilitator")
    assert await _anonymous_status(api, "PUT", path) == 401
    assert (await api.call("PUT", path, as_=ben, json={"enabled": False})).status == 403
    assert (await api.call("PUT", path, as_=other, json={"enabled": False})).status == 403
    bad = await api.call("PUT", path, as_=ada, json={"enabled": "nope"})
    assert (bad.status, bad.error_code) == (400, "invalid_input")
    assert (await api.call("PUT", path, as_=ada, json={})).status == 400

    reply = await api.call("PUT", path, as_=ada, json={"enabled": False})
    assert reply.status == 200 and reply.body == {
        "session_id": session_id,
        "captions_enabled": False,
    }
    db = await Database.open(api.config.db_url, run_migrations=False)
    try:
        occurrence = await occurrences.occurrence(db, occurrence_id)
        assert occurrence is not None
        assert (await caption_settings(db, occurrence.room_name)).enabled is False
    finally:
        await db.aclose()
