"""The write path: group commits on the event loop, another process's lock, checkpoints."""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from db import Database, accounts, bookings, sessions
from db.database import CHECKPOINT_AT_BYTES
from db.events import record_event
from db.sessions import SessionFields


async def test_a_write_waits_for_another_process_without_stalling_the_loop(
    tmp_path: Path,
) -> None:
    db = await Database.open(tmp_path / "colearn.db")
    other = sqlite3.connect(tmp_path / "colearn.db", isolation_level=None)  # e.g. the agent
    try:
        other.execute("BEGIN IMMEDIATE")
        first = record_event(other, "t", "other.process", {})
        write = asyncio.create_task(db.write(record_event, "t", "this.process", {}))
        began = time.monotonic()
        for _ in range(20):  # the loop keeps serving while the write waits for the lock
            await asyncio.sleep(0.01)
        assert time.monotonic() - began < 1.0
        assert not write.done()
        other.execute("COMMIT")
        second = await asyncio.wait_for(write, 10)
        assert second > first
        rows = await db.fetchall("SELECT kind FROM events ORDER BY id")
        assert [r[0] for r in rows] == ["other.process", "this.process"]
    finally:
        other.close()
        await db.aclose()


async def test_a_failing_write_is_undone_alone(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "colearn.db")

    def broken(conn: sqlite3.Connection) -> None:
        record_event(conn, "t", "half.written", {})
        raise ValueError("bad input")

    try:
        results = await asyncio.gather(
            db.write(record_event, "t", "before", {}),
            db.write(broken),
            db.write(record_event, "t", "after", {}),
            return_exceptions=True,
        )
        assert isinstance(results[1], ValueError)
        rows = await db.fetchall("SELECT id, kind FROM events ORDER BY id")
        # the ids handed back are those of the rows that were kept
        assert [(r[0], r[1]) for r in rows] == [(results[0], "before"), (results[2], "after")]
    finally:
        await db.aclose()


async def test_a_refusal_costs_the_writes_beside_it_nothing(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "colearn.db")
    runs: list[str] = []

    def counted(conn: sqlite3.Connection, kind: str) -> int:
        runs.append(kind)
        return record_event(conn, "t", kind, {})

    def refuse(conn: sqlite3.Connection) -> None:
        conn.execute("SELECT COUNT(*) FROM events").fetchone()
        raise LookupError("full")  # having written nothing

    try:
        results = await asyncio.gather(
            db.write(counted, "before"),
            db.write(refuse),
            db.write(counted, "after"),
            return_exceptions=True,
        )
        assert isinstance(results[1], LookupError)
        rows = await db.fetchall("SELECT kind FROM events ORDER BY id")
        assert [r[0] for r in rows] == ["before", "after"]
        assert runs == ["before", "after"]  # nothing was undone, so nothing ran twice
    finally:
        await db.aclose()


async def test_the_wal_is_copied_back_so_it_does_not_grow_without_end(tmp_path: Path) -> None:
    # SQLite's own checkpoint on commit is off (it would stall one unlucky commit); the
    # background thread must keep the WAL near its threshold instead.
    db = await Database.open(tmp_path / "colearn.db")
    wal = Path(f"{tmp_path / 'colearn.db'}-wal")
    payload = {"text": "x" * 3000}
    written = commits = 0
    largest = 0
    try:
        while written < 8 * CHECKPOINT_AT_BYTES:
            await asyncio.gather(*(db.write(record_event, "t", "big", payload) for _ in range(25)))
            written += 25 * 3000
            commits += 1
            largest = max(largest, os.stat(wal).st_size)
            await asyncio.sleep(0)  # let a finished checkpoint be noticed
    finally:
        await db.aclose()
    assert largest < 2 * CHECKPOINT_AT_BYTES, f"WAL reached {largest} bytes"
    # about one checkpoint per threshold's worth of frames (each commit here writes some
    # 26 frames, the threshold is 1000), not one after every commit once the WAL file has
    # reached the threshold's size: each costs an fsync
    checkpoints = db._checkpointer.done
    assert 2 <= checkpoints <= commits // 20, f"{checkpoints} checkpoints, {commits} commits"


async def test_a_read_after_a_commit_sees_it_while_other_reads_run(tmp_path: Path) -> None:
    # e.g. the API answering with seats after a change, while its event poller reads too
    db = await Database.open(tmp_path / "colearn.db")
    running = True

    async def other_reads() -> None:
        while running:
            await db.fetchone("SELECT COALESCE(MAX(id), 0) FROM events")

    readers = [asyncio.create_task(other_reads()) for _ in range(3)]
    try:
        for _ in range(300):
            written = await db.write(record_event, "t", "k", {})
            seen = await db.fetchone("SELECT MAX(id) FROM events")
            assert seen is not None and seen[0] == written
    finally:
        running = False
        await asyncio.gather(*readers)
        await db.aclose()


async def _one_meeting(db: Database, capacity: int, people: int) -> tuple[int, list[int]]:
    """A facilitator's single meeting tomorrow and ``people`` participants; their ids."""
    start = datetime.now(UTC) + timedelta(days=1)
    async with db.transaction() as conn:
        host = await accounts.create_user(
            conn, email="host@example.org", display_name="Host", role="facilitator",
            password_hash="-",
        )  # fmt: skip
        fields = SessionFields(
            title="Reading group", description="", level="", topic="", timezone="UTC",
            starts_local=start.replace(tzinfo=None), duration_minutes=45,
            capacity=capacity, rrule=None,
        )  # fmt: skip
        session_id = await sessions.create(
            conn, host.id, fields, [(start, start + timedelta(minutes=45))]
        )
        users = [
            await accounts.create_user(
                conn,
                email=f"p{n}@example.org",
                display_name=f"P{n}",
                role="participant",
                password_hash="-",
            )
            for n in range(people)
        ]
    row = await db.fetchone("SELECT id FROM occurrences WHERE session_id = ?", (session_id,))
    assert row is not None
    return row[0], [u.id for u in users]


async def test_bookings_committed_together_announce_the_seats_once(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "colearn.db")
    try:
        occurrence, people = await _one_meeting(db, capacity=10, people=6)
        now = datetime.now(UTC)
        made = await asyncio.gather(
            *(db.write(bookings.book, occurrence, person, now, False) for person in people[:5])
        )
        # each booking answers with the seats right after it ...
        assert [m.occurrence.seats_left for m in made] == [9, 8, 7, 6, 5]
        # ... and watchers hear the figures as committed, once for the group
        announced = await _seat_events(db, occurrence)
        assert [a["seats_left"] for a in announced] == [5]
        await db.write(bookings.book, occurrence, people[5], now, False)
        announced = await _seat_events(db, occurrence)
        assert [a["seats_left"] for a in announced] == [5, 4]
    finally:
        await db.aclose()


async def _seat_events(db: Database, occurrence: int) -> list[dict[str, object]]:
    rows = await db.fetchall(
        "SELECT payload FROM events WHERE topic = ? AND kind = 'seats.changed' ORDER BY id",
        (f"occurrence:{occurrence}",),
    )
    return [json.loads(r[0]) for r in rows]
