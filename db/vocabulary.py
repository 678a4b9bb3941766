"""Words participants looked up with /define: the raw material of their vocabulary notebook."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from db.room_ref import RoomRef
from db.rows import Source, fetchall
from db.times import from_db, to_db


@dataclass(frozen=True, slots=True)
class Lookup:
    query: str  # as typed after /define
    headword: str  # the dictionary word it resolved to
    context: str | None  # the chat sentence the word was seen in
    message_id: str  # the /define message
    looked_up_at: datetime


@dataclass(frozen=True, slots=True)
class NotebookEntry:
    id: int
    room_name: str
    occurrence_id: int | None
    lookup: Lookup


async def record_lookup(
    conn: aiosqlite.Connection, room: RoomRef, identity: str, lookup: Lookup
) -> bool:
    """Record one lookup; False if this /define message was recorded already."""
    cursor = await conn.execute(
        "INSERT INTO vocabulary_lookups (room_name, occurrence_id, identity, query, headword,"
        " context, message_id, looked_up_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (room_name, message_id) DO NOTHING",
        (
            room.name,
            room.occurrence_id,
            identity,
            lookup.query,
            lookup.headword,
            lookup.context,
            lookup.message_id,
            to_db(lookup.looked_up_at),
        ),
    )
    return cursor.rowcount > 0


async def lookups_of(
    source: Source, identity: str, *, after_id: int = 0, limit: int = 100
) -> list[NotebookEntry]:
    """What ``identity`` looked up, in every room, oldest first; page on with the last id."""
    rows = await fetchall(
        source,
        "SELECT id, room_name, occurrence_id, query, headword, context, message_id, looked_up_at"
        " FROM vocabulary_lookups WHERE identity = ? AND id > ? ORDER BY id LIMIT ?",
        [identity, after_id, limit],
    )
    return [
        NotebookEntry(r[0], r[1], r[2], Lookup(r[3], r[4], r[5], r[6], from_db(r[7]))) for r in rows
    ]
