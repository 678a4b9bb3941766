"""Which agent holds each room, so a room whose agent died gets a new one.

The job that holds a room records it with ``hold``; its worker refreshes ``seen_at`` every
second (``heartbeat``). A room released, or silent since before the caller's cutoff, has lost
its agent: ``claim_dispatch`` lets exactly one worker ask livekit-server for a new one, and
``forget_ended`` closes the presence of a room that ended while no agent held it.

Several workers may decide at once: ``claim_dispatch`` is one conditional UPDATE (a second
worker's waits for the first's row lock, then finds the room claimed) or one INSERT that
the room's primary key lets only one worker make.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from db import presence
from db.conn import Conn
from db.room_ref import RoomRef
from db.rows import Source, run
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

    def unheld(self) -> tuple[str, dict[str, Any]]:
        """The condition for a room no live agent holds, and its parameters: released,
        silent or dead, and no re-dispatch asked for since the cutoff."""
        params: dict[str, Any] = {"cutoff": to_db(self.cutoff)}
        dead = ""
        if self.dead_workers:
            dead = " OR worker_id IN :dead"
            params["dead"] = list(self.dead_workers)
        condition = (
            f"(worker_id IS NULL OR seen_at < :cutoff{dead})"
            " AND (dispatched_at IS NULL OR dispatched_at < :cutoff)"
        )
        return condition, params


def hold(conn: Conn, room_name: str, worker_id: str, job_id: str, now: datetime) -> Held:
    """From now on ``job_id`` on ``worker_id`` holds the room. The newest job wins:
    livekit-server evicts an older agent that has the same identity."""
    previous = conn.value("SELECT seen_at FROM agent_rooms WHERE room_name = :room", room=room_name)
    occurrence_id = conn.value(
        "INSERT INTO agent_rooms"
        " (room_name, occurrence_id, worker_id, job_id, claimed_at, seen_at, dispatched_at)"
        " VALUES (:room, (SELECT id FROM occurrences WHERE room_name = :room), :worker, :job,"
        "  :now, :now, NULL)"
        " ON CONFLICT (room_name) DO UPDATE SET occurrence_id = excluded.occurrence_id,"
        "  worker_id = excluded.worker_id, job_id = excluded.job_id,"
        "  claimed_at = excluded.claimed_at, seen_at = excluded.seen_at, dispatched_at = NULL"
        " RETURNING occurrence_id",
        room=room_name,
        worker=worker_id,
        job=job_id,
        now=to_db(now),
    )
    return Held(RoomRef(room_name, occurrence_id), from_db(previous) if previous else None)


def heartbeat(conn: Conn, job_ids: Sequence[str], now: datetime) -> int:
    """The rooms these running jobs hold are alive now; returns how many there are."""
    if not job_ids:
        return 0
    return conn.run(
        "UPDATE agent_rooms SET seen_at = :now WHERE job_id IN :jobs",
        now=to_db(now),
        jobs=list(job_ids),
    )


def release(conn: Conn, room: RoomRef, job_id: str, now: datetime, ended: bool) -> bool:
    """The job stops holding the room; False if another job took it over meanwhile.

    ``ended``: the room is over, so everyone still present leaves now and the row goes.
    Otherwise the agent left a room that goes on: presence stays open for the next holder.
    """
    if ended:
        released = conn.run(
            "DELETE FROM agent_rooms WHERE room_name = :room AND job_id = :job",
            room=room.name,
            job=job_id,
        )
        if released:
            presence.close_all(conn, room, now)
    else:
        released = conn.run(
            "UPDATE agent_rooms SET worker_id = NULL, job_id = NULL, seen_at = :now"
            " WHERE room_name = :room AND job_id = :job",
            now=to_db(now),
            room=room.name,
            job=job_id,
        )
    return released > 0


def load_leases(conn: Conn, alive: Liveness) -> list[Lease]:
    """Every room an agent holds or held, and whether it is held by a live one."""
    unheld, params = alive.unheld()
    rows = conn.all(
        f"SELECT room_name, worker_id, CASE WHEN {unheld} THEN 0 ELSE 1 END AS held"
        " FROM agent_rooms",
        params,
    )
    return [Lease(row["room_name"], row["worker_id"], bool(row["held"])) for row in rows]


async def leases(source: Source, alive: Liveness) -> list[Lease]:
    return await run(source, load_leases, alive)


def claim_dispatch(conn: Conn, room_name: str, now: datetime, alive: Liveness) -> bool:
    """True for exactly one caller per liveness window: that caller dispatches an agent."""
    unheld, params = alive.unheld()
    params = {**params, "room": room_name, "now": to_db(now)}
    if conn.run(
        f"UPDATE agent_rooms SET dispatched_at = :now WHERE room_name = :room AND {unheld}",
        params,
    ):
        return True
    # A room no agent ever held (no worker was registered when it was created).
    inserted = conn.value(
        "INSERT INTO agent_rooms"
        " (room_name, occurrence_id, worker_id, job_id, claimed_at, seen_at, dispatched_at)"
        " VALUES (:room, (SELECT id FROM occurrences WHERE room_name = :room), NULL, NULL,"
        "  :now, :now, :now)"
        " ON CONFLICT (room_name) DO NOTHING RETURNING room_name",
        room=room_name,
        now=to_db(now),
    )
    return inserted is not None


def forget_ended(conn: Conn, room_name: str, alive: Liveness) -> bool:
    """For a room that ended while no agent held it: everyone still marked present left when
    the last holder was last seen, and the row goes. False if the room is held again."""
    unheld, params = alive.unheld()
    row = conn.one(
        f"DELETE FROM agent_rooms WHERE room_name = :room AND {unheld}"
        " RETURNING occurrence_id, seen_at",
        params,
        room=room_name,
    )
    if row is None:
        return False
    presence.close_all(conn, RoomRef(room_name, row["occurrence_id"]), from_db(row["seen_at"]))
    return True


def _holder(conn: Conn, room_name: str) -> str | None:
    return conn.value("SELECT worker_id FROM agent_rooms WHERE room_name = :room", room=room_name)


async def holder(source: Source, room_name: str) -> str | None:
    """The worker holding the room now, None if none does."""
    return await run(source, _holder, room_name)
