"""What livekit-server tells us about rooms (webhooks): each event once, and room lifecycles."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from db.conn import Conn
from db.rows import Source, run
from db.times import maybe_from_db, to_db


@dataclass(frozen=True)
class RoomLife:
    room_name: str
    room_sid: str
    occurrence_id: int | None
    started_at: datetime | None
    finished_at: datetime | None


def first_delivery(conn: Conn, event_id: str, event: str, room_name: str | None) -> bool:
    """Record a webhook by its id; False if it was already handled (a redelivery). Two
    deliveries at once: the second waits for the first's commit, then finds it."""
    recorded = conn.value(
        "INSERT INTO webhook_events (id, event, room_name) VALUES (:id, :event, :room)"
        " ON CONFLICT (id) DO NOTHING RETURNING id",
        id=event_id,
        event=event,
        room=room_name,
    )
    return recorded is not None


def mark(conn: Conn, event: str, room_name: str, room_sid: str, at: datetime) -> int | None:
    """Record that a room instance started or finished (``event`` is the webhook's name);
    returns the occurrence the room belongs to, if any.

    "finished" can arrive without "started": webhook delivery is not guaranteed.
    """
    column = {"room_started": "started_at", "room_finished": "finished_at"}[event]
    return conn.value(
        f"INSERT INTO room_lifecycle (room_name, room_sid, occurrence_id, {column})"
        " VALUES (:room, :sid, (SELECT id FROM occurrences WHERE room_name = :room), :at)"
        f" ON CONFLICT (room_sid) DO UPDATE SET {column} = excluded.{column}"
        " RETURNING occurrence_id",
        room=room_name,
        sid=room_sid,
        at=to_db(at),
    )


def _lifecycle(conn: Conn, room_name: str) -> list[RoomLife]:
    rows = conn.all(
        "SELECT room_name, room_sid, occurrence_id, started_at, finished_at FROM room_lifecycle"
        " WHERE room_name = :room ORDER BY id",
        room=room_name,
    )
    return [
        RoomLife(
            r["room_name"],
            r["room_sid"],
            r["occurrence_id"],
            maybe_from_db(r["started_at"]),
            maybe_from_db(r["finished_at"]),
        )
        for r in rows
    ]


async def lifecycle(source: Source, room_name: str) -> list[RoomLife]:
    return await run(source, _lifecycle, room_name)
