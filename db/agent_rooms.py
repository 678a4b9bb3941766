"""Which agent holds each room, so a room whose agent died gets a new one.

The job that holds a room records it with ``hold``; its worker refreshes ``seen_at`` every
second (``heartbeat``). A room released, or silent since before the caller's cutoff, has lost
its agent: ``claim_dispatch`` lets exactly one worker ask livekit-server for a new one, and
``forget_ended`` closes the presence of a room that ended while no agent held it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from db import presence
from db.room_ref import RoomRef
from db.rows import Source, fetchall, fetchone
from db.times import from_db, to_db


@dataclass(frozen=True, slots=True)
class Held:
    room: RoomRef
    # When the previous holder was last known alive, if the room was held before: stays
    # that ended while no agent watched are closed at that time.
    previous_seen_at: datetime | None


@dataclass(frozen=True, slots=True)
class Lease:
    room_name: str
    worker_id: str | None
    held: bool  # by a live agent, or a re-dispatch is on its way


@dataclass(frozen=True, slots=True)
class Liveness:
    """Which holders count as alive: heard from since ``cutoff`` and not known to be dead."""

    cutoff: datetime
    dead_workers: tuple[str, ...] = ()

    def params(self) -> tuple[str, str]:
        return to_db(self.cutoff), json.dumps(list(self.dead_workers))


# Released, silent or dead, and no re-dispatch asked for since the cutoff (?1); ?2 is the
# JSON list of dead workers.
_UNHELD = (
    "(worker_id IS NULL OR seen_at < ?1 OR worker_id IN (SELECT value FROM json_each(?2)))"
    " AND (dispatched_at IS NULL OR dispatched_at < ?1)"
)


async def hold(
    conn: aiosqlite.Connection, room_name: str, *, worker_id: str, job_id: str, now: datetime
) -> Held:
    """From now on ``job_id`` on ``worker_id`` holds the room. The newest job wins:
    livekit-server evicts an older agent that has the same identity."""
    previous = await fetchone(
        conn, "SELECT seen_at FROM agent_rooms WHERE room_name = ?", [room_name]
    )
    row = await fetchone(
        conn,
        "INSERT INTO agent_rooms"
        " (room_name, occurrence_id, worker_id, job_id, claimed_at, seen_at, dispatched_at)"
        " VALUES (?, (SELECT id FROM occurrences WHERE room_name = ?), ?, ?, ?, ?, NULL)"
        " ON CONFLICT (room_name) DO UPDATE SET occurrence_id = excluded.occurrence_id,"
        "  worker_id = excluded.worker_id, job_id = excluded.job_id,"
        "  claimed_at = excluded.claimed_at, seen_at = excluded.seen_at, dispatched_at = NULL"
        " RETURNING occurrence_id",
        [room_name, room_name, worker_id, job_id, to_db(now), to_db(now)],
    )
    assert row is not None
    return Held(RoomRef(room_name, row[0]), from_db(previous[0]) if previous else None)


async def heartbeat(conn: aiosqlite.Connection, job_ids: Sequence[str], now: datetime) -> int:
    """The rooms these running jobs hold are alive now; returns how many there are."""
    cursor = await conn.execute(
        "UPDATE agent_rooms SET seen_at = ? WHERE job_id IN (SELECT value FROM json_each(?))",
        (to_db(now), json.dumps(list(job_ids))),
    )
    return cursor.rowcount


async def release(
    conn: aiosqlite.Connection, room: RoomRef, *, job_id: str, now: datetime, ended: bool
) -> bool:
    """The job stops holding the room; False if another job took it over meanwhile.

    ``ended``: the room is over, so everyone still present leaves now and the row goes.
    Otherwise the agent left a room that goes on: presence stays open for the next holder.
    """
    if ended:
        cursor = await conn.execute(
            "DELETE FROM agent_rooms WHERE room_name = ? AND job_id = ?", (room.name, job_id)
        )
        if cursor.rowcount:
            await presence.close_all(conn, room, now)
    else:
        cursor = await conn.execute(
            "UPDATE agent_rooms SET worker_id = NULL, job_id = NULL, seen_at = ?"
            " WHERE room_name = ? AND job_id = ?",
            (to_db(now), room.name, job_id),
        )
    return cursor.rowcount > 0


async def leases(source: Source, alive: Liveness) -> list[Lease]:
    """Every room an agent holds or held, and whether it is held by a live one."""
    rows = await fetchall(
        source, f"SELECT room_name, worker_id, NOT ({_UNHELD}) FROM agent_rooms", alive.params()
    )
    return [Lease(row[0], row[1], bool(row[2])) for row in rows]


async def claim_dispatch(
    conn: aiosqlite.Connection, room_name: str, *, now: datetime, alive: Liveness
) -> bool:
    """True for exactly one caller per liveness window: that caller dispatches an agent."""
    params = (*alive.params(), room_name, to_db(now))
    cursor = await conn.execute(
        f"UPDATE agent_rooms SET dispatched_at = ?4 WHERE room_name = ?3 AND {_UNHELD}", params
    )
    if cursor.rowcount:
        return True
    # A room no agent ever held (no worker was registered when it was created).
    cursor = await conn.execute(
        "INSERT INTO agent_rooms"
        " (room_name, occurrence_id, worker_id, job_id, claimed_at, seen_at, dispatched_at)"
        " VALUES (?3, (SELECT id FROM occurrences WHERE room_name = ?3), NULL, NULL, ?4, ?4, ?4)"
        " ON CONFLICT (room_name) DO NOTHING",
        params,
    )
    return cursor.rowcount > 0


async def forget_ended(conn: aiosqlite.Connection, room_name: str, *, alive: Liveness) -> bool:
    """For a room that ended while no agent held it: everyone still marked present left when
    the last holder was last seen, and the row goes. False if the room is held again."""
    async with conn.execute(
        f"DELETE FROM agent_rooms WHERE room_name = ?3 AND {_UNHELD}"
        " RETURNING occurrence_id, seen_at",
        (*alive.params(), room_name),
    ) as cursor:
        row = await cursor.fetchone()
    if row is None:
        return False
    await presence.close_all(conn, RoomRef(room_name, row[0]), from_db(row[1]))
    return True


async def holder(source: Source, room_name: str) -> str | None:
    """The worker holding the room now, None if none does."""
    row = await fetchone(
        source, "SELECT worker_id FROM agent_rooms WHERE room_name = ?", [room_name]
    )
    return row[0] if row is not None else None
