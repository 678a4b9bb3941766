"""Chat as sent in a room: stored once per message id, in arrival order, read back by id.

``message_id`` is the text stream id (or the legacy packet's id): LiveKit's React components
send each message in both forms with the same id, and a reconnecting agent may be handed a
message again, so a second copy is recognised and dropped. Ids grow in the order messages
were stored, which makes them the cursor for paging.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiosqlite

from db.events import append_event
from db.room_ref import RoomRef, scope
from db.rows import Source, fetchall
from db.times import from_db, to_db

MESSAGE = "chat.message"


@dataclass(frozen=True, slots=True)
class ChatMessage:
    """A message as it arrived, before it is stored."""

    message_id: str
    sender_identity: str
    sender_name: str
    body: str
    sent_at: datetime


@dataclass(frozen=True, slots=True)
class StoredMessage:
    id: int
    room_name: str
    occurrence_id: int | None
    message_id: str
    sender_identity: str
    sender_name: str
    body: str
    sent_at: datetime
    stored_at: datetime

    def as_json(self) -> dict[str, Any]:
        """The shape clients get: in live-update events and in the history RPC."""
        return {
            "id": self.id,
            "message_id": self.message_id,
            "sender_identity": self.sender_identity,
            "sender_name": self.sender_name,
            "text": self.body,
            "sent_at": to_db(self.sent_at),
        }


async def store_message(
    conn: aiosqlite.Connection, room: RoomRef, message: ChatMessage
) -> StoredMessage | None:
    """Store the message and its ``chat.message`` event; None if it was stored before."""
    async with conn.execute(
        "INSERT INTO chat_messages (room_name, occurrence_id, message_id, sender_identity,"
        " sender_name, body, sent_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (room_name, message_id) DO NOTHING RETURNING id, stored_at",
        (
            room.name,
            room.occurrence_id,
            message.message_id,
            message.sender_identity,
            message.sender_name,
            message.body,
            to_db(message.sent_at),
        ),
    ) as cursor:
        row = await cursor.fetchone()
    if row is None:
        return None
    stored = StoredMessage(
        row[0],
        room.name,
        room.occurrence_id,
        message.message_id,
        message.sender_identity,
        message.sender_name,
        message.body,
        message.sent_at,
        from_db(row[1]),
    )
    await append_event(conn, room.topic, MESSAGE, {"room_name": room.name, **stored.as_json()})
    return stored


_COLUMNS = (
    "id, room_name, occurrence_id, message_id, sender_identity, sender_name, body,"
    " sent_at, stored_at"
)


async def messages_before(
    source: Source,
    *,
    room_name: str | None = None,
    occurrence_id: int | None = None,
    before_id: int | None = None,
    limit: int = 50,
) -> list[StoredMessage]:
    """The ``limit`` latest messages with an id below ``before_id`` (all when None), oldest
    first: scrolling back through a room's chat. Pass one of room_name and occurrence_id."""
    column, key = scope(room_name, occurrence_id)
    rows = await fetchall(
        source,
        f"SELECT {_COLUMNS} FROM chat_messages WHERE {column} = ? AND id < ?"
        " ORDER BY id DESC LIMIT ?",
        [key, before_id if before_id is not None else 2**63 - 1, limit],
    )
    return [_message(row) for row in reversed(rows)]


async def messages_after(
    source: Source,
    *,
    room_name: str | None = None,
    occurrence_id: int | None = None,
    after_id: int = 0,
    limit: int = 100,
) -> list[StoredMessage]:
    """Up to ``limit`` messages with an id above ``after_id``, oldest first: reading a chat
    from the start, or catching up. Pass one of room_name and occurrence_id."""
    column, key = scope(room_name, occurrence_id)
    rows = await fetchall(
        source,
        f"SELECT {_COLUMNS} FROM chat_messages WHERE {column} = ? AND id > ? ORDER BY id LIMIT ?",
        [key, after_id, limit],
    )
    return [_message(row) for row in rows]


def _message(row: Any) -> StoredMessage:
    return StoredMessage(
        row[0], row[1], row[2], row[3], row[4], row[5], row[6], from_db(row[7]), from_db(row[8])
    )


async def latest_containing(
    source: Source, room_name: str, text: str, *, before_id: int, limit: int = 20
) -> list[str]:
    """Bodies of the room's latest messages before ``before_id`` that contain ``text`` (ASCII
    case ignored), newest first; commands (``/...``) are not chat and are left out."""
    pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    rows = await fetchall(
        source,
        "SELECT body FROM chat_messages WHERE room_name = ? AND id < ?"
        " AND body LIKE ? ESCAPE '\\' AND body NOT LIKE '/%' ORDER BY id DESC LIMIT ?",
        [room_name, before_id, pattern, limit],
    )
    return [row[0] for row in rows]


async def name_sender(conn: aiosqlite.Connection, room: RoomRef, identity: str, name: str) -> int:
    """Give the sender's name to their messages stored without one (sent before the room
    had announced them); returns how many."""
    cursor = await conn.execute(
        "UPDATE chat_messages SET sender_name = ?"
        " WHERE room_name = ? AND sender_identity = ? AND sender_name = ''",
        (name, room.name, identity),
    )
    return cursor.rowcount
