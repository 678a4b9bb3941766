"""Presence: one row per stay in a room (a participant who drops and rejoins has two).

Each change records a ``presence.joined`` or ``presence.left`` event in the same unit of
work, which is what the API streams to people watching who is live. Stays of one identity
never overlap: a rejoin starts no earlier than the previous stay ended.

Locking: a change first locks the room's ``agent_rooms`` row where rows can be locked, so
two agents in one room (a re-dispatch overlapping the old agent) cannot both open a stay
for the same person; SQLite's single writer gives the same for free.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from db.conn import Conn, Row
from db.events import record_event
from db.room_ref import RoomRef, scope
from db.rows import Source, run
from db.times import from_db, maybe_from_db, to_db

JOINED = "presence.joined"
LEFT = "presence.left"


@dataclass(frozen=True, slots=True)
class Arrival:
    identity: str
    name: str
    joined_at: datetime


@dataclass(frozen=True, slots=True)
class Stay:
    identity: str
    display_name: str
    joined_at: datetime
    left_at: datetime | None  # None: here now


@dataclass(frozen=True, slots=True)
class Attendance:
    identity: str
    display_name: str  # the latest one this identity had
    first_joined_at: datetime
    seconds_present: float  # all stays added up; an open stay counts until now
    stays: int
    present: bool


def _lock_room(conn: Conn, room: RoomRef) -> None:
    if conn.for_update:
        conn.execute(
            f"SELECT room_name FROM agent_rooms WHERE room_name = :room{conn.for_update}",
            room=room.name,
        )


def join(conn: Conn, room: RoomRef, arrival: Arrival) -> bool:
    """Open a stay unless the identity already has an open one; True if one was opened."""
    _lock_room(conn, room)
    row = conn.one(
        "SELECT SUM(CASE WHEN left_at IS NULL THEN 1 ELSE 0 END) AS open_stays,"
        " MAX(left_at) AS last_left FROM presence WHERE room_name = :room AND identity = :identity",
        room=room.name,
        identity=arrival.identity,
    )
    if row is not None and row["open_stays"]:
        return False
    last_left = row["last_left"] if row is not None else None
    joined_at = to_db(arrival.joined_at)
    if last_left is not None and last_left > joined_at:
        joined_at = last_left
    conn.run(
        "INSERT INTO presence (room_name, occurrence_id, identity, display_name, joined_at)"
        " VALUES (:room, :occurrence, :identity, :name, :joined_at)",
        room=room.name,
        occurrence=room.occurrence_id,
        identity=arrival.identity,
        name=arrival.name,
        joined_at=joined_at,
    )
    payload = {
        "room_name": room.name,
        "identity": arrival.identity,
        "name": arrival.name,
        "joined_at": joined_at,
    }
    record_event(conn, room.topic, JOINED, payload)
    return True


def leave(conn: Conn, room: RoomRef, identity: str, at: datetime) -> bool:
    """Close the identity's open stay at ``at``; False if it had none."""
    _lock_room(conn, room)
    return bool(_close(conn, room, at, identity))


def close_all(conn: Conn, room: RoomRef, at: datetime) -> int:
    """Everyone still present leaves at ``at`` (the room ended); returns how many did."""
    return _close(conn, room, at, None)


def _close(conn: Conn, room: RoomRef, at: datetime, identity: str | None) -> int:
    only = "" if identity is None else " AND identity = :identity"
    closed = conn.all(
        "UPDATE presence SET left_at = CASE WHEN joined_at > :at THEN joined_at ELSE :at END"
        f" WHERE room_name = :room AND left_at IS NULL{only}"
        " RETURNING id, identity, display_name, left_at",
        at=to_db(at),
        room=room.name,
        identity=identity,
    )
    for row in sorted(closed, key=lambda row: row["id"]):
        payload = {
            "room_name": room.name,
            "identity": row["identity"],
            "name": row["display_name"],
            "left_at": row["left_at"],
        }
        record_event(conn, room.topic, LEFT, payload)
    return len(closed)


def reconcile(
    conn: Conn, room: RoomRef, present: Sequence[Arrival], absent_since: datetime
) -> None:
    """Make the open stays match who is in the room now, e.g. after the agent was away:
    stays of people no longer there end at ``absent_since``, newcomers get one."""
    _lock_room(conn, room)
    here = {arrival.identity for arrival in present}
    rows = conn.all(
        "SELECT identity FROM presence WHERE room_name = :room AND left_at IS NULL ORDER BY id",
        room=room.name,
    )
    for identity in [row["identity"] for row in rows]:
        if identity not in here:
            leave(conn, room, identity, absent_since)
    for arrival in present:
        join(conn, room, arrival)


def _stays(conn: Conn, column: str, key: str | int) -> list[Row]:
    return conn.all(
        "SELECT id, identity, display_name, joined_at, left_at FROM presence"
        f" WHERE {column} = :key ORDER BY joined_at, id",
        key=key,
    )


async def stays(
    source: Source, *, room_name: str | None = None, occurrence_id: int | None = None
) -> list[Stay]:
    """Every stay, in order of arrival; those with no ``left_at`` are who is here now.
    Pass exactly one of ``room_name`` and ``occurrence_id``."""
    column, key = scope(room_name, occurrence_id)
    rows = await run(source, _stays, column, key)
    return [
        Stay(r["identity"], r["display_name"], from_db(r["joined_at"]), maybe_from_db(r["left_at"]))
        for r in rows
    ]


async def attendance(
    source: Source,
    *,
    room_name: str | None = None,
    occurrence_id: int | None = None,
    now: datetime | None = None,
) -> list[Attendance]:
    """Per identity, in order of first arrival: first join, total time present, whether
    present now. Pass exactly one of ``room_name`` and ``occurrence_id``."""
    column, key = scope(room_name, occurrence_id)
    rows = await run(source, _stays, column, key)
    until = from_db(to_db(now or datetime.now(UTC)))  # to the millisecond, as stored
    people: dict[str, list[Row]] = {}
    for row in rows:
        people.setdefault(row["identity"], []).append(row)
    found = []
    for identity, own in people.items():
        seconds = sum(
            ((maybe_from_db(r["left_at"]) or until) - from_db(r["joined_at"])).total_seconds()
            for r in own
        )
        latest = max(own, key=lambda r: r["id"])
        found.append(
            Attendance(
                identity,
                latest["display_name"],
                min(from_db(r["joined_at"]) for r in own),
                round(max(0.0, seconds), 3),
                len(own),
                any(r["left_at"] is None for r in own),
            )
        )
    return sorted(found, key=lambda a: (a.first_joined_at, a.identity))
