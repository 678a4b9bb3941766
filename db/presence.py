"""Presence: one row per stay in a room (a participant who drops and rejoins has two).

Each change appends a ``presence.joined`` or ``presence.left`` event in the same transaction,
which is what the API streams to people watching who is live. Stays of one identity never
overlap: a rejoin starts no earlier than the previous stay ended.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import aiosqlite

from db.events import append_event
from db.room_ref import RoomRef, scope
from db.rows import Source, fetchall
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


async def join(conn: aiosqlite.Connection, room: RoomRef, arrival: Arrival) -> bool:
    """Open a stay unless the identity already has an open one; True if one was opened."""
    async with conn.execute(
        "SELECT MAX(left_at IS NULL), MAX(left_at) FROM presence"
        " WHERE room_name = ? AND identity = ?",
        (room.name, arrival.identity),
    ) as cursor:
        row = await cursor.fetchone()
    is_open, last_left = (row[0], row[1]) if row is not None else (None, None)
    if is_open:
        return False
    joined_at = to_db(arrival.joined_at)
    if last_left is not None and last_left > joined_at:
        joined_at = last_left
    await conn.execute(
        "INSERT INTO presence (room_name, occurrence_id, identity, display_name, joined_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (room.name, room.occurrence_id, arrival.identity, arrival.name, joined_at),
    )
    payload = {
        "room_name": room.name,
        "identity": arrival.identity,
        "name": arrival.name,
        "joined_at": joined_at,
    }
    await append_event(conn, room.topic, JOINED, payload)
    return True


async def leave(conn: aiosqlite.Connection, room: RoomRef, identity: str, at: datetime) -> bool:
    """Close the identity's open stay at ``at``; False if it had none."""
    return bool(await _close(conn, room, at, identity))


async def close_all(conn: aiosqlite.Connection, room: RoomRef, at: datetime) -> int:
    """Everyone still present leaves at ``at`` (the room ended); returns how many did."""
    return await _close(conn, room, at, None)


async def _close(
    conn: aiosqlite.Connection, room: RoomRef, at: datetime, identity: str | None
) -> int:
    sql = "UPDATE presence SET left_at = MAX(joined_at, ?) WHERE room_name = ? AND left_at IS NULL"
    params: list[str] = [to_db(at), room.name]
    if identity is not None:
        sql += " AND identity = ?"
        params.append(identity)
    async with conn.execute(sql + " RETURNING identity, display_name, left_at", params) as cursor:
        closed = list(await cursor.fetchall())
    for who, name, left_at in closed:
        payload = {"room_name": room.name, "identity": who, "name": name, "left_at": left_at}
        await append_event(conn, room.topic, LEFT, payload)
    return len(closed)


async def reconcile(
    conn: aiosqlite.Connection,
    room: RoomRef,
    present: Sequence[Arrival],
    *,
    absent_since: datetime,
) -> None:
    """Make the open stays match who is in the room now, e.g. after the agent was away:
    stays of people no longer there end at ``absent_since``, newcomers get one."""
    here = {arrival.identity for arrival in present}
    async with conn.execute(
        "SELECT identity FROM presence WHERE room_name = ? AND left_at IS NULL", (room.name,)
    ) as cursor:
        open_stays = [row[0] for row in await cursor.fetchall()]
    for identity in open_stays:
        if identity not in here:
            await leave(conn, room, identity, absent_since)
    for arrival in present:
        await join(conn, room, arrival)


async def stays(
    source: Source, *, room_name: str | None = None, occurrence_id: int | None = None
) -> list[Stay]:
    """Every stay, in order of arrival; those with no ``left_at`` are who is here now.
    Pass exactly one of ``room_name`` and ``occurrence_id``."""
    column, key = scope(room_name, occurrence_id)
    rows = await fetchall(
        source,
        "SELECT identity, display_name, joined_at, left_at FROM presence"
        f" WHERE {column} = ? ORDER BY joined_at, id",
        [key],
    )
    return [Stay(r[0], r[1], from_db(r[2]), maybe_from_db(r[3])) for r in rows]


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
    rows = await fetchall(
        source,
        "SELECT a.identity, p.display_name, a.first_joined, a.days, a.stays, a.is_open"
        " FROM (SELECT identity, MAX(id) AS last_id, MIN(joined_at) AS first_joined,"
        "  SUM(julianday(COALESCE(left_at, ?)) - julianday(joined_at)) AS days,"
        "  COUNT(*) AS stays, MAX(left_at IS NULL) AS is_open"
        f"  FROM presence WHERE {column} = ? GROUP BY identity) a"
        " JOIN presence p ON p.id = a.last_id"
        " ORDER BY a.first_joined, a.identity",
        [to_db(now or datetime.now(UTC)), key],
    )
    return [
        Attendance(r[0], r[1], from_db(r[2]), round(max(0.0, r[3]) * 86400.0, 3), r[4], bool(r[5]))
        for r in rows
    ]
