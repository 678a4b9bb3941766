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


async def mark(
    conn: aiosqlite.Connection,
    *,
    event: str,
    room_name: str,
    room_sid: str,
    occurrence_id: int | None,
    at: datetime,
) -> None:
    """Record that a room instance started or finished (``event`` is the webhook's name).

    "finished" can arrive without "started": webhook delivery is not guaranteed.
    """
    column = {"room_started": "started_at", "room_finished": "finished_at"}[event]
    await conn.execute(
        f"INSERT INTO room_lifecycle (room_name, room_sid, occurrence_id, {column})"
        f" VALUES (?, ?, ?, ?) ON CONFLICT (room_sid) DO UPDATE SET {column} = excluded.{column}",
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
