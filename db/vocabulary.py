"""Words participants looked up with /define: the raw material of their vocabulary notebook."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from db.conn import Conn
from db.room_ref import RoomRef
from db.rows import Source, run
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


def record_lookup(conn: Conn, room: RoomRef, identity: str, lookup: Lookup) -> bool:
    """Record one lookup; False if this /define message was recorded already."""
    recorded = conn.value(
        "INSERT INTO vocabulary_lookups (room_name, occurrence_id, identity, query, headword,"
        " context, message_id, looked_up_at)"
        " VALUES (:room, :occurrence, :identity, :query, :headword, :context, :message_id, :at)"
        " ON CONFLICT (room_name, message_id) DO NOTHING RETURNING id",
        room=room.name,
        occurrence=room.occurrence_id,
        identity=identity,
        query=lookup.query,
        headword=lookup.headword,
        context=lookup.context,
        message_id=lookup.message_id,
        at=to_db(lookup.looked_up_at),
    )
    return recorded is not None


def _lookups_of(conn: Conn, identity: str, after_id: int, limit: int) -> list[NotebookEntry]:
    rows = conn.all(
        "SELECT id, room_name, occurrence_id, query, headword, context, message_id, looked_up_at"
        " FROM vocabulary_lookups WHERE identity = :identity AND id > :after"
        " ORDER BY id LIMIT :limit",
        identity=identity,
        after=after_id,
        limit=limit,
    )
    return [
        NotebookEntry(
            int(r["id"]),
            r["room_name"],
            r["occurrence_id"],
            Lookup(
                r["query"], r["headword"], r["context"], r["message_id"], from_db(r["looked_up_at"])
            ),
        )
        for r in rows
    ]


async def lookups_of(
    source: Source, identity: str, *, after_id: int = 0, limit: int = 100
) -> list[NotebookEntry]:
    """What ``identity`` looked up, in every room, oldest first; page on with the last id."""
    return await run(source, _lookups_of, identity, after_id, limit)
