"""Chat as sent in a room: stored once per message id, in arrival order, read back by id.

``message_id`` is the text stream id (or the legacy packet's id): LiveKit's React components
send each message in both forms with the same id, and a reconnecting agent (or a second
agent racing the first) may be handed a message again, so a second copy is recognised and
dropped by the table's unique key. Ids grow in the order messages were stored, which makes
them the cursor for paging.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from db.conn import Conn, Row
from db.events import record_event
from db.room_ref import RoomRef, scope
from db.rows import Source, run
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


def store_message(conn: Conn, room: RoomRef, message: ChatMessage) -> StoredMessage | None:
    """Store the message and its ``chat.message`` event; None if it was stored before.

    Two agents storing the same message at once: the unique key makes the second insert
    wait for the first to commit, then do nothing (and record no event)."""
    row = conn.one(
        "INSERT INTO chat_messages (room_name, occurrence_id, message_id, sender_identity,"
        " sender_name, body, sent_at)"
        " VALUES (:room, :occurrence, :message_id, :identity, :name, :body, :sent_at)"
        " ON CONFLICT (room_name, message_id) DO NOTHING RETURNING id, stored_at",
        room=room.name,
        occurrence=room.occurrence_id,
        message_id=message.message_id,
        identity=message.sender_identity,
        name=message.sender_name,
        body=message.body,
        sent_at=to_db(message.sent_at),
    )
    if row is None:
        return None
    stored = StoredMessage(
        int(row["id"]),
        room.name,
        room.occurrence_id,
        message.message_id,
        message.sender_identity,
        message.sender_name,
        message.body,
        message.sent_at,
        from_db(row["stored_at"]),
    )
    record_event(conn, room.topic, MESSAGE, {"room_name": room.name, **stored.as_json()})
    return stored


def name_sender(conn: Conn, room: RoomRef, identity: str, name: str) -> int:
    """Give the sender's name to their messages stored without one (sent before the room
    had announced them); returns how many."""
    return conn.run(
        "UPDATE chat_messages SET sender_name = :name"
        " WHERE room_name = :room AND sender_identity = :identity AND sender_name = ''",
        name=name,
        room=room.name,
        identity=identity,
    )


_COLUMNS = (
    "id, room_name, occurrence_id, message_id, sender_identity, sender_name, body,"
    " sent_at, stored_at"
)


def _message(row: Row) -> StoredMessage:
    return StoredMessage(
        int(row["id"]),
        row["room_name"],
        row["occurrence_id"],
        row["message_id"],
        row["sender_identity"],
        row["sender_name"],
        row["body"],
        from_db(row["sent_at"]),
        from_db(row["stored_at"]),
    )


def _before(
    conn: Conn, column: str, key: str | int, before_id: int | None, limit: int
) -> list[StoredMessage]:
    below = "" if before_id is None else " AND id < :before"
    rows = conn.all(
        f"SELECT {_COLUMNS} FROM chat_messages WHERE {column} = :key{below}"
        " ORDER BY id DESC LIMIT :limit",
        key=key,
        before=before_id,
        limit=limit,
    )
    return [_message(row) for row in reversed(rows)]


def room_messages_before(
    conn: Conn, room_name: str, before_id: int | None, limit: int
) -> list[StoredMessage]:
    """``messages_before`` of one room, as a unit of work (the agent's history RPC)."""
    return _before(conn, "room_name", room_name, before_id, limit)


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
    return await run(source, _before, column, key, before_id, limit)


def _after(
    conn: Conn, column: str, key: str | int, after_id: int, limit: int
) -> list[StoredMessage]:
    rows = conn.all(
        f"SELECT {_COLUMNS} FROM chat_messages WHERE {column} = :key AND id > :after"
        " ORDER BY id LIMIT :limit",
        key=key,
        after=after_id,
        limit=limit,
    )
    return [_message(row) for row in rows]


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
    return await run(source, _after, column, key, after_id, limit)


def _count(conn: Conn, room_name: str) -> int:
    return int(
        conn.value(
            "SELECT COUNT(*) AS n FROM chat_messages WHERE room_name = :room", room=room_name
        )
    )


async def message_count(source: Source, room_name: str) -> int:
    """How many messages the room has stored."""
    return await run(source, _count, room_name)


def containing(conn: Conn, room_name: str, text: str, before_id: int, limit: int = 20) -> list[str]:
    """Bodies of the room's latest messages before ``before_id`` that contain ``text`` (case
    ignored), newest first; commands (``/...``) are not chat and are left out."""
    pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    rows = conn.all(
        "SELECT body FROM chat_messages WHERE room_name = :room AND id < :before"
        " AND LOWER(body) LIKE LOWER(:pattern) ESCAPE '\\' AND body NOT LIKE '/%'"
        " ORDER BY id DESC LIMIT :limit",
        room=room_name,
        before=before_id,
        pattern=pattern,
        limit=limit,
    )
    return [row["body"] for row in rows]
