"""The write path: group commits, another process's writes, checkpoints, seats under load."""

from __future__ import annotations

import asyncio
import json
import os
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from db import Database, accounts, bookings, cancellations, occurrence_changes, sessions
from db.conn import Conn
from db.engines.sqlite_checkpoint import CHECKPOINT_AT_BYTES
from db.events import flush_events, record_event
from db.occurrences import Occurrence
from db.sessions import SessionFields


async def _all(db: Database, sql: str, **params: Any) -> list[dict[str, Any]]:
    def read(conn: Conn) -> list[dict[str, Any]]:
        return [dict(row) for row in conn.all(sql, params)]

    return await db.read(read)


def _in_another_process(url: str, fn: Callable[[Conn], Any]) -> threading.Thread:
    """Run the unit of work ``fn`` on a Database of its own, on a thread with an event loop
    of its own: as another process would (the agent, a mail worker)."""

    async def other() -> None:
        db = await Database.open(url, run_migrations=False)
        try:
            await db.write(fn)
        finally:
            await db.aclose()

    thread = threading.Thread(target=asyncio.run, args=(other(),), daemon=True)
    thread.start()
    return thread


async def test_a_write_waits_for_another_process_without_stalling_the_loop(db_url: str) -> None:
    db = await Database.open(db_url)
    inside, release = threading.Event(), threading.Event()

    def holding(conn: Conn) -> None:  # writes, then keeps its transaction open a while
        record_event(conn, "t", "other.process", {})
        flush_events(conn)  # written now, as just before a commit
        inside.set()
        release.wait(10)

    other = _in_another_process(db_url, holding)
    try:
        assert await asyncio.to_thread(inside.wait, 10)
        write = asyncio.create_task(db.write(record_event, "t", "this.process", {}))
        began = time.monotonic()
        for _ in range(20):  # the loop keeps serving while the write waits for the lock
            await asyncio.sleep(0.01)
        assert time.monotonic() - began < 1.0
        assert not write.done()
        release.set()
        await asyncio.wait_for(write, 10)
        rows = await _all(db, "SELECT kind FROM events ORDER BY id")
        assert [r["kind"] for r in rows] == ["other.process", "this.process"]
    finally:
        release.set()
        await asyncio.to_thread(other.join, 10)
        await db.aclose()


def _failure(conn: Conn, email: str) -> int:
    return int(
        conn.value(
            "INSERT INTO login_failures (email, address, failed_at)"
            " VALUES (:email, 'test', '2026-01-01T00:00:00.000Z') RETURNING id",
            email=email,
        )
    )


async def test_a_failing_write_is_undone_alone(db_url: str) -> None:
    db = await Database.open(db_url)

    def broken(conn: Conn) -> None:
        _failure(conn, "half.written")
        record_event(conn, "t", "half.written", {})
        raise ValueError("bad input")

    try:
        results = await asyncio.gather(
            db.write(_failure, "before"),
            db.write(broken),
            db.write(_failure, "after"),
            return_exceptions=True,
        )
        assert isinstance(results[1], ValueError)
        rows = await _all(db, "SELECT id, email FROM login_failures ORDER BY id")
        # the ids handed back are those of the rows that were kept
        assert sorted((r["id"], r["email"]) for r in rows) == sorted(
            [(results[0], "before"), (results[2], "after")]
        )
        assert await _all(db, "SELECT id FROM events") == []
    finally:
        await db.aclose()


async def test_a_refusal_costs_the_writes_beside_it_nothing(db_url: str) -> None:
    db = await Database.open(db_url)
    runs: list[str] = []

    def counted(conn: Conn, kind: str) -> None:
        runs.append(kind)
        record_event(conn, "t", kind, {})

    def refuse(conn: Conn) -> None:
        conn.value("SELECT COUNT(*) AS n FROM events")
        raise LookupError("full")  # having written nothing

    try:
        results = await asyncio.gather(
            db.write(counted, "before"),
            db.write(refuse),
            db.write(counted, "after"),
            return_exceptions=True,
        )
        assert isinstance(results[1], LookupError)
        rows = await _all(db, "SELECT kind FROM events ORDER BY id")
        assert sorted(r["kind"] for r in rows) == ["after", "before"]
        assert sorted(runs) == ["after", "before"]  # nothing was undone, so nothing ran twice
    finally:
        await db.aclose()


async def test_the_wal_is_copied_back_so_it_does_not_grow_without_end(tmp_path: Path) -> None:
    # SQLite's own checkpoint on commit is off (it would stall one unlucky commit); the
    # background thread must keep the WAL near its threshold instead. (A write-ahead log
    # file is SQLite's: this runs on a SQLite file whichever engine the run is on.)
    path = tmp_path / "colearn.db"
    db = await Database.open(path)
    wal = Path(f"{path}-wal")
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
    checkpoints = db.engine.checkpointer.done  # type: ignore[attr-defined]
    assert 2 <= checkpoints <= commits // 20, f"{checkpoints} checkpoints, {commits} commits"


async def test_a_read_after_a_commit_sees_it_while_other_reads_run(db_url: str) -> None:
    # e.g. the API answering with seats after a change, while its event poller reads too
    db = await Database.open(db_url)
    running = True

    def latest(conn: Conn) -> int:
        return int(conn.value("SELECT COALESCE(MAX(id), 0) AS latest FROM login_failures"))

    async def other_reads() -> None:
        while running:
            await db.read(latest)

    readers = [asyncio.create_task(other_reads()) for _ in range(3)]
    try:
        for _ in range(300):
            written = await db.write(_failure, "reader@example.org")
            assert await db.read(latest) == written
    finally:
        running = False
        await asyncio.gather(*readers)
        await db.aclose()


def _meeting(conn: Conn, capacity: int, people: int) -> tuple[int, list[int]]:
    """A facilitator's single meeting tomorrow and ``people`` participants; their ids."""
    start = datetime.now(UTC) + timedelta(days=1)
    host = accounts.create_user(conn, "host@example.org", "Host", "facilitator", "-")
    fields = SessionFields(
        title="Reading group", description="", level="", topic="", timezone="UTC",
        starts_local=start.replace(tzinfo=None), duration_minutes=45,
        capacity=capacity, rrule=None,
    )  # fmt: skip
    session_id = sessions.create(conn, host.id, fields, [(start, start + timedelta(minutes=45))])
    users = [
        accounts.create_user(conn, f"p{n}@example.org", f"P{n}", "participant", "-")
        for n in range(people)
    ]
    occurrence_id = conn.value("SELECT id FROM occurrences WHERE session_id = :id", id=session_id)
    return int(occurrence_id), [u.id for u in users]


async def test_bookings_committed_together_announce_the_seats_once(
    db_url: str, engine: str
) -> None:
    db = await Database.open(db_url)
    try:
        occurrence, people = await db.write(_meeting, 10, 6)
        now = datetime.now(UTC)
        made = await asyncio.gather(
            *(db.write(bookings.book, occurrence, person, now, False) for person in people[:5])
        )
        # each booking answers with the seats right after it ...
        left = [m.occurrence.seats_left for m in made]
        assert (left if engine == "sqlite" else sorted(left, reverse=True)) == [9, 8, 7, 6, 5]
        # ... and watchers hear the figures as committed, once per commit: SQLite commits
        # the five together, PostgreSQL each on its own (one after another: each waits for
        # the occurrence's lock)
        per_commit = [5] if engine == "sqlite" else [9, 8, 7, 6, 5]
        assert [a["seats_left"] for a in await _seat_events(db, occurrence)] == per_commit
        await db.write(bookings.book, occurrence, people[5], now, False)
        announced = await _seat_events(db, occurrence)
        assert [a["seats_left"] for a in announced] == [*per_commit, 4]
    finally:
        await db.aclose()


async def test_seats_stay_right_while_people_book_wait_and_cancel_at_once(db_url: str) -> None:
    # 3 seats, 3 booked and 4 waiting; then at once: the 3 cancel, 6 more ask for a seat or
    # else a waitlist place. Every freed seat goes to the first in line, none stays free
    # while anyone waits, and nobody is counted twice.
    db = await Database.open(db_url)
    try:
        occurrence, people = await db.write(_meeting, 3, 13)
        now = datetime.now(UTC)
        first = [(await db.write(bookings.book, occurrence, p, now, True)) for p in people[:7]]
        assert [o.booking.status for o in first] == ["booked"] * 3 + ["waitlisted"] * 4
        changes = [
            *(
                db.write(cancellations.cancel, o.booking.id, o.booking.user_id, now)
                for o in first[:3]
            ),
            *(db.write(bookings.book, occurrence, p, now, True) for p in people[7:]),
        ]
        await asyncio.gather(*changes)
        rows = await _all(
            db,
            "SELECT user_id, status FROM bookings WHERE occurrence_id = :id ORDER BY id",
            id=occurrence,
        )
        status = {r["user_id"]: r["status"] for r in rows}
        # the four who waited first got the three seats in their order
        assert [status[p] for p in people[3:7]] == ["booked", "booked", "booked", "waitlisted"]
        assert [status[p] for p in people[:3]] == ["cancelled"] * 3
        assert all(status[p] == "waitlisted" for p in people[7:])
        seats = await _all(db, "SELECT seats_booked FROM occurrences WHERE id = :id", id=occurrence)
        assert seats == [{"seats_booked": 3}]
    finally:
        await db.aclose()


async def test_a_smaller_seat_limit_set_while_people_book_never_overbooks(db_url: str) -> None:
    db = await Database.open(db_url)
    try:
        occurrence, people = await db.write(_meeting, 6, 10)
        now = datetime.now(UTC)
        results = await asyncio.gather(
            *(db.write(bookings.book, occurrence, p, now, False) for p in people[:5]),
            db.write(occurrence_changes.edit, occurrence, None, None, 3, now),
            *(db.write(bookings.book, occurrence, p, now, False) for p in people[5:]),
            return_exceptions=True,
        )
        refusals = (bookings.OccurrenceFull, occurrence_changes.CapacityBelowBooked)
        assert all(isinstance(r, (bookings.Outcome, Occurrence, *refusals)) for r in results)
        booked = sum(isinstance(r, bookings.Outcome) for r in results)
        (seats,) = await _all(
            db, "SELECT seats_booked, capacity FROM occurrences WHERE id = :id", id=occurrence
        )
        assert seats["seats_booked"] == booked <= seats["capacity"]
        edited = results[5]
        assert seats["capacity"] == (3 if isinstance(edited, Occurrence) else 6)
    finally:
        await db.aclose()


async def _seat_events(db: Database, occurrence: int) -> list[dict[str, object]]:
    rows = await _all(
        db,
        "SELECT payload FROM events WHERE topic = :topic AND kind = 'seats.changed' ORDER BY id",
        topic=f"occurrence:{occurrence}",
    )
    return [json.loads(r["payload"]) for r in rows]
