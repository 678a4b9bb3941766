"""What livekit-server tells us about rooms (webhooks): each event once, and room lifecycles."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from db.rows import Source, fetchall
from db.times import maybe_from_db, to_db


@dataclass(frozen=True)
class RoomLife:
    room_name: str
    room_sid: str
    occurrence_id: int | None
    started_at: datetime | None
    finished_at: datetime | None


async def first_delivery(
    conn: aiosqlite.Connection, event_id: str, event: str, room_name: str | None
) -> bool:
    """Record a webhook by its id; False if it was already handled (a redelivery)."""
    cursor = await conn.execute(
        "INSERT OR IGNORE INTO webhook_events (id, event, room_name) VALUES (?, ?, ?)",
        (event_id, event, room_name),
    )
    return cursor.rowcount > 0


async def room_started(
    conn: aiosqlite.Connection,
    *,
    room_name: str,
    room_sid: str,
    occurrence_id: int | None,
    at: datetime,
) -> None:
    await conn.execute(
        "INSERT INTO room_lifecycle (room_name, room_sid, occurrence_id, started_at)"
        " VALUES (?, ?, ?, ?)"
        " ON CONFLICT (room_sid) DO UPDATE SET started_at = excluded.started_at",
        (room_name, room_sid, occurrence_id, to_db(at)),
    )


async def room_finished(
    conn: aiosqlite.Connection,
    *,
    room_name: str,
    room_sid: str,
    occurrence_id: int | None,
    at: datetime,
) -> None:
    # "finished" can arrive without "started" (delivery is not guaranteed)
    await conn.execute(
        "INSERT INTO room_lifecycle (room_name, room_sid, occurrence_id, finished_at)"
        " VALUES (?, ?, ?, ?)"
        " ON CONFLICT (room_sid) DO UPDATE SET finished_at = excluded.finished_at",
        (room_name, room_sid, occurrence_id, to_db(at)),
    )


async def lifecycle(source: Source, room_name: str) -> list[RoomLife]:
    rows = await fetchall(
        source,
        "SELECT room_name, room_sid, occurrence_id, started_at, finished_at FROM room_lifecycle"
        " WHERE room_name = ? ORDER BY id",
        (room_name,),
    )
    return [RoomLife(r[0], r[1], r[2], maybe_from_db(r[3]), maybe_from_db(r[4])) for r in rows]
