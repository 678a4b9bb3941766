"""Replaying missed events: an occurrence's history however old, without reading the whole
events table; a person's own events as far back as the replay window reaches."""

from __future__ import annotations

from api.realtime import OWN_REPLAY_WINDOW
from db import Database
from db.events import replay
from tests.support import peek
from tests.support.api_client import Api
from tests.support.reads import reads_counted
from tests.test_api_events import watching


async def test_an_occurrences_history_is_read_without_scanning_every_event(
    db_url: str, engine: str
) -> None:
    first = await peek.event(db_url, "occurrence:7", "chat.message")
    await peek.fill_events(db_url, 50_000, "user:999999")
    last = await peek.event(db_url, "occurrence:7", "presence.joined")
    db = await Database.open(db_url)
    try:
        async with reads_counted(db, engine) as reads:
            history = await replay(
                db, 0, occurrence_topics=["occurrence:7"], own_topic="user:1", own_after_id=last
            )
        assert [e.id for e in history] == [first, last]
        # through the index: scanning the 50,000 rows would read them all
        assert reads() < 100, f"{reads()} rows read: the replay read far more than two events"
    finally:
        await db.aclose()


async def test_own_events_replay_as_far_as_the_window_and_the_stream_says_so(api: Api) -> None:
    ada = await api.register("facilitator")
    session = await api.create_session(ada)
    occurrence = session["occurrences"][0]["id"]
    lee = await api.register()
    path = str(api.config.db_url)
    resume_from = await peek.event(path, "user:0", "resume.here")
    old_own = await peek.event(path, f"user:{lee.id}", "booking.promoted")
    old_meeting = await peek.event(path, f"occurrence:{occurrence}", "chat.message")
    await peek.fill_events(path, OWN_REPLAY_WINDOW, "user:999999")
    recent_own = await peek.event(path, f"user:{lee.id}", "booking.cancelled")

    async with watching(api, lee, [occurrence], last_event_id=str(resume_from)) as stream:
        replayed = [await stream.next() for _ in range(3)]
    ids = [int(m.id or 0) for m in replayed]
    assert ids[:2] == [old_meeting, recent_own]  # the meeting's history however old
    assert old_own not in ids  # beyond the window for one's own events ...
    assert replayed[2].event == "ready"
    assert replayed[2].data["own_events_complete"] is False  # ... and the client is told

    recent = str(recent_own - 1)
    async with watching(api, lee, [occurrence], last_event_id=recent) as stream:
        again = [await stream.next() for _ in range(2)]
    assert int(again[0].id or 0) == recent_own
    assert again[1].event == "ready" and again[1].data["own_events_complete"] is True
