"""Replaying missed events: an occurrence's history however old, without reading the whole
events table; a person's own events as far back as the replay window reaches."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from api.realtime import OWN_REPLAY_WINDOW
from db import Database
from db.events import replay
from tests.support.api_client import Api
from tests.test_api_events import watching

FILLER = "INSERT INTO events (topic, kind, payload) VALUES (?, 'filler', '{}')"


def _fill(path: Path, count: int, topic: str = "user:999999") -> None:
    """``count`` events on a topic nobody here watches (other people's bookings)."""
    with sqlite3.connect(path) as conn:
        conn.executemany(FILLER, [(topic,)] * count)


def _event(path: Path, topic: str, kind: str) -> int:
    with sqlite3.connect(path) as conn:
        cursor = conn.execute("INSERT INTO events (topic, kind) VALUES (?, ?)", (topic, kind))
        assert cursor.lastrowid is not None
        return cursor.lastrowid


async def test_an_occurrences_history_is_read_without_scanning_every_event(
    db_url: str,
) -> None:
    first = _event(db_url, "occurrence:7", "chat.message")
    _fill(db_url, 50_000)
    last = _event(db_url, "occurrence:7", "presence.joined")
    db = await Database.open(db_url)
    steps = 0

    def count(conn: sqlite3.Connection) -> None:
        def tick() -> int:
            nonlocal steps
            steps += 1
            return 0

        conn.set_progress_handler(tick, 100)  # called every 100 SQLite VM instructions

    try:
        await db.read(count)
        history = await replay(
            db, 0, occurrence_topics=["occurrence:7"], own_topic="user:1", own_after_id=last
        )
        assert [e.id for e in history] == [first, last]
        # through the index; scanning the 50,000 rows takes some 1,500 ticks
        assert steps < 100, f"{steps} ticks: the replay read far more than two events"
    finally:
        await db.aclose()


async def test_own_events_replay_as_far_as_the_window_and_the_stream_says_so(api: Api) -> None:
    ada = await api.register("facilitator")
    session = await api.create_session(ada)
    occurrence = session["occurrences"][0]["id"]
    lee = await api.register()
    path = api.config.db_url
    resume_from = _event(path, "user:0", "resume.here")
    old_own = _event(path, f"user:{lee.id}", "booking.promoted")
    old_meeting = _event(path, f"occurrence:{occurrence}", "chat.message")
    _fill(path, OWN_REPLAY_WINDOW)
    recent_own = _event(path, f"user:{lee.id}", "booking.cancelled")

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
