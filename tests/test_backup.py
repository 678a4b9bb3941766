"""`python -m db backup` while bookings are being made, `python -m db restore` into a new
database, and a new API on it reads the same bookings, chat and transcripts."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from api.keys import DB
from db import Database
from db.backup import integrity_problems
from db.chat import ChatMessage, store_message
from db.conn import Conn
from db.room_ref import RoomRef
from db.transcripts import Segment, insert_segment
from db.url import SQLITE, parse
from tests.support.api_client import START, Api, running_api, seed_participants
from tests.support.stack import ROOT

LEARNERS = 1500
FIRST_WAVE = 60


def _db_command(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "db", *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def _snapshot(conn: Conn) -> dict[str, list[tuple[object, ...]]]:
    queries = {
        "bookings": "SELECT id, occurrence_id, user_id, status FROM bookings ORDER BY id",
        "chat": "SELECT id, room_name, message_id, sender_identity, body FROM chat_messages"
        " ORDER BY id",
        "transcripts": "SELECT id, room_name, segment_id, speaker_identity, text"
        " FROM transcript_segments ORDER BY id",
        "seats": "SELECT id, seats_booked FROM occurrences ORDER BY id",
    }
    return {k: [tuple(r[c] for c in r.keys()) for r in conn.all(q)] for k, q in queries.items()}


def _booked_per_occurrence(conn: Conn) -> list[tuple[object, ...]]:
    rows = conn.all(
        "SELECT occurrences.id AS id, occurrences.seats_booked AS seats,"
        " (SELECT COUNT(*) FROM bookings WHERE bookings.occurrence_id = occurrences.id"
        "  AND bookings.status = 'booked') AS booked"
        " FROM occurrences ORDER BY occurrences.id"
    )
    return [(r["id"], r["seats"], r["booked"]) for r in rows]


async def _chat_and_captions(db_url: str, room: str, occurrence_id: int) -> None:
    def write(conn: Conn) -> None:
        ref = RoomRef(room, occurrence_id)
        for n in range(50):
            at = START + timedelta(seconds=n)
            store_message(conn, ref, ChatMessage(f"m{n}", f"p{n % 5}", f"P {n % 5}", f"hi {n}", at))
            segment = Segment(f"s{n}", f"p{n % 5}", f"P {n % 5}", "TR_1", f"said {n}", at, at)
            insert_segment(conn, room, occurrence_id, segment)

    db = await Database.open(db_url, run_migrations=False)
    try:
        await db.write(write)
    finally:
        await db.aclose()


async def test_a_backup_taken_while_booking_restores_into_a_new_api(
    api: Api, new_db_url: Callable[..., str], tmp_path: Path
) -> None:
    facilitator = await api.register("facilitator")
    sessions = [await api.create_session(facilitator, capacity=500) for _ in range(3)]
    occurrences = [s["occurrences"][0] for s in sessions]
    room = "backup-room"
    await _chat_and_captions(str(api.config.db_url), room, occurrences[0]["id"])
    tokens = await seed_participants(
        str(api.config.db_url), LEARNERS, valid_until=api.clock.now + timedelta(days=7)
    )
    # a first wave booked before the backup starts; a second while it runs
    headers = [{"Authorization": f"Bearer {t}"} for t in tokens]

    async def book(n: int) -> int:
        path = f"/api/occurrences/{occurrences[n % 3]['id']}/bookings"
        return (await api.call("POST", path, headers=headers[n])).status

    before = await asyncio.gather(*(book(n) for n in range(FIRST_WAVE)))
    assert set(before) == {201}
    # then bookings keep coming, ten at a time, for as long as the backup runs
    made = FIRST_WAVE
    backing_up = True

    async def keep_booking() -> None:
        nonlocal made
        while backing_up and made < LEARNERS:
            batch = range(made, min(made + 10, LEARNERS))
            assert set(await asyncio.gather(*(book(n) for n in batch))) == {201}
            made = batch[-1] + 1

    booker = asyncio.create_task(keep_booking())
    await asyncio.sleep(0.05)
    dest = tmp_path / "backup.db"
    command = ("backup", str(dest), "--db", str(api.config.db_url))
    at_start = made
    done = await asyncio.to_thread(_db_command, *command)
    at_end = made
    backing_up = False
    await booker
    assert done.returncode == 0, done.stderr
    assert at_end > at_start, "bookings were made while the backup ran"

    # a backup refuses to overwrite, a restore refuses a database in use
    assert _db_command("backup", str(dest), "--db", str(api.config.db_url)).returncode == 1
    assert _db_command("restore", str(dest), "--db", str(api.config.db_url)).returncode == 1

    target = new_db_url(migrated=False)
    if parse(target).dialect == SQLITE:
        target = str(tmp_path / "restored" / "colearn.db")
    restored = _db_command("restore", str(dest), "--db", target)
    assert restored.returncode == 0, restored.stderr
    assert integrity_problems(parse(target)) == []

    original = await Database.open(str(api.config.db_url), run_migrations=False)
    try:
        now = await original.read(_snapshot)
    finally:
        await original.aclose()
    async with running_api(target) as new:
        copy = await new.client.server.app[DB].read(_snapshot)
        seats = await new.client.server.app[DB].read(_booked_per_occurrence)
        # the new API serves the restored bookings to the people who made them
        mine = await new.call("GET", "/api/bookings", headers=headers[0])
        assert mine.status == 200 and len(mine.body) == 1
    # everything made before the backup began is there, and nothing differs from the
    # original; of the bookings made meanwhile, those committed by one moment. (Not a prefix
    # by id: PostgreSQL hands out ids in insert order, but rows become visible in commit
    # order, so a snapshot may hold booking 124 without 123, still in flight then.)
    assert copy["chat"] == now["chat"] and len(copy["chat"]) == 50
    assert copy["transcripts"] == now["transcripts"] and len(copy["transcripts"]) == 50
    assert at_start <= len(copy["bookings"]) <= made
    original_rows = {row[0]: row for row in now["bookings"]}
    assert all(original_rows.get(row[0]) == row for row in copy["bookings"])
    committed_before = {row[0] for row in now["bookings"][:at_start]}
    assert committed_before <= {row[0] for row in copy["bookings"]}
    assert all(seats == booked for _, seats, booked in seats), seats
    print(
        f"backup while booking: {at_start} booked when it began, {at_end} when it ended, "
        f"{len(copy['bookings'])} restored (as committed by one moment), chat 50/50, "
        "transcripts 50/50"
    )
