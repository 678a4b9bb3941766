"""A scripted session in a real room with the agent: chat, ``/define`` and speech captioned by
Whisper (espeak says it) make the expected notebook and recaps for two learners of
different levels (A2 and C1), built by the API's mail worker once the room is empty."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

from colearn.wire import AGENT_IDENTITY
from db import occurrences
from db.presence import attendance
from db.transcripts import room_segments
from db.vocabulary import lookups_of
from tests.support.agent_room import join, stored
from tests.support.api_client import Clock, running_api
from tests.support.chat_client import send_chat
from tests.support.speech import speak
from tests.support.stack import RunningStack
from tests.support.waiting import eventually

SPOKEN = "Learning a new language takes time, patience and a lot of practice every day."


async def test_a_session_makes_the_expected_recaps_for_two_levels(
    stack: RunningStack, tmp_path: Path
) -> None:
    clock = Clock(datetime.now(UTC))
    async with running_api(stack.db_url, clock=clock) as api:
        ada = await api.register("facilitator", name="Ada")
        session = await api.create_session(
            ada, starts_at=(clock.now + timedelta(minutes=5)).isoformat(), duration_minutes=30
        )
        occurrence_id = session["occurrences"][0]["id"]
        ben, cleo = await api.register(name="Ben"), await api.register(name="Cleo")
        for learner, level in ((ben, "A2"), (cleo, "C1")):
            booked = f"/api/occurrences/{occurrence_id}/bookings"
            assert (await api.call("POST", booked, as_=learner)).status == 201
            await api.call("PUT", "/api/me/learning", as_=learner, json={"level": level})
        async with stored(stack) as db:
            found = await occurrences.occurrence(db, occurrence_id)
        assert found is not None
        room = found.room_name

        speaker = await join(stack, room, f"user-{ada.id}")
        ben_in = await join(stack, room, f"user-{ben.id}")
        cleo_in = await join(stack, room, f"user-{cleo.id}")
        try:
            await speaker.rtc.publish_speech(speak(SPOKEN, tmp_path))
            await send_chat(cleo_in.rtc.room, "Finding this café was pure serendipity.")

            async def segments() -> list | None:
                async with stored(stack) as db:
                    said = await room_segments(db, room)
                text = " ".join(str(s["text"]) for s in said).lower()
                return said if "patience" in text and "practice" in text else None

            async def ben_looked_up() -> bool | None:
                async with stored(stack) as db:
                    return bool(await lookups_of(db, f"user-{ben.id}")) or None

            await eventually(segments, within=40, what="the sentence captioned and stored")
            await send_chat(ben_in.rtc.room, "My teacher is meticulous.")
            await asyncio.sleep(0.5)  # Cleo's sentence is stored before Ben asks about it
            before = len(ben_in.inbox.from_sender(AGENT_IDENTITY))
            await send_chat(ben_in.rtc.room, "/define serendipity")
            await ben_in.inbox.next_from(AGENT_IDENTITY, after=before, within=10, what="answer")
            await eventually(ben_looked_up, within=10, what="Ben's lookup kept")
        finally:
            for person in (speaker, ben_in, cleo_in):
                await person.aclose()

        async def empty() -> bool | None:
            async with stored(stack) as db:
                rows = await attendance(db, room_name=room)
            return (len(rows) >= 3 and not any(r.present for r in rows)) or None

        await eventually(empty, within=15, what="everyone recorded as gone")
        notebook = (await api.call("GET", "/api/me/notebook", as_=ben)).body["words"]
        assert [(w["word"], w["source"], w["example"]) for w in notebook] == [
            ("serendipity", "define", "Finding this café was pure serendipity.")
        ], "the /define in the room is in Ben's notebook, with Cleo's sentence"

        clock.now = found.ends_at + timedelta(minutes=1)
        recap_path = f"/api/occurrences/{occurrence_id}/recap"

        async def recap_of_ben() -> dict | None:
            reply = await api.call("GET", recap_path, as_=ben)
            return reply.body if reply.status == 200 else None

        mine = await eventually(recap_of_ben, within=10, what="Ben's recap")
        theirs = (await api.call("GET", recap_path, as_=cleo)).body
        facilitator = (await api.call("GET", recap_path, as_=ada)).body

    assert mine["level"] == "A2"
    assert [(w["word"], w["sentence"]) for w in mine["looked_up"]] == [
        ("serendipity", "Finding this café was pure serendipity.")
    ]
    ben_new = {w["word"]: w for w in mine["new_words"]}
    assert ben_new["patience"]["how"] == "heard", "B1, captioned from Ada's speech"
    assert "patience" in ben_new["patience"]["sentence"].lower()
    assert "meticulous" not in ben_new and "serendipity" not in ben_new
    assert mine["participation"]["messages"] == 1 and mine["participation"]["talk_seconds"] == 0

    assert theirs["level"] == "C1" and theirs["looked_up"] == []
    cleo_new = {w["word"]: w for w in theirs["new_words"]}
    assert cleo_new["meticulous"]["how"] == "read"
    assert cleo_new["meticulous"]["sentence"] == "My teacher is meticulous."
    assert "patience" not in cleo_new and "serendipity" not in cleo_new

    assert {"serendipity", "meticulous"} <= {w["word"] for w in facilitator["key_vocabulary"]}
    assert facilitator["looked_up"] == [{"word": "serendipity", "learners": 1}]
    assert [p["name"] for p in facilitator["learners"]] == ["Ben", "Cleo"]
    assert all(p["seconds_present"] > 0 for p in facilitator["learners"])
