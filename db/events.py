"""The event log behind live updates: a change and its event are written in one transaction.

Topics: ``occurrence:{id}`` for anything about one occurrence (seats, bookings, presence,
chat in its room); ``room:{room_name}`` for a room that belongs to no occurrence.
"""

from __future__ import annotations

import json
from typing import Any

import aiosqlite


def topic_for(occurrence_id: int | None, room_name: str) -> str:
    return f"occurrence:{occurrence_id}" if occurrence_id is not None else f"room:{room_name}"


async def append_event(
    conn: aiosqlite.Connection, topic: str, kind: str, payload: dict[str, Any]
) -> int:
    """Record an event inside the caller's transaction; returns its id."""
    cursor = await conn.execute(
        "INSERT INTO events (topic, kind, payload) VALUES (?, ?, ?)",
        (topic, kind, json.dumps(payload, separators=(",", ":"))),
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid
