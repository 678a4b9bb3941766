"""The event log behind live updates: a change and its event are written in one transaction.

Topics: ``occurrence:{id}`` for anything about one occurrence (seats, bookings, presence,
chat in its room); ``room:{room_name}`` for a room that belongs to no occurrence;
``user:{id}`` for what concerns one person only (their booking was promoted or released).

Kinds written by the API: on ``occurrence:{id}``: ``seats.changed`` (capacity, seats_booked,
seats_left, waitlisted, status; once per commit, with the figures as committed),
``occurrence.updated`` and ``occurrence.cancelled`` (starts_at, ends_at, status),
``room.started`` and ``room.finished`` (room_name); on ``user:{id}``: ``booking.booked``,
``booking.waitlisted``, ``booking.promoted``, ``booking.cancelled`` (booking_id,
occurrence_id, status, cancel_reason, waitlist_position) and ``occurrence.updated``.
The agent adds ``presence.*`` and ``chat.*`` on the occurrence topic of its room.
Payloads carry no email addresses; user events go only to that user.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

import aiosqlite
import orjson

from db.database import on_thread
from db.rows import Source, fetchall, fetchone, run


def topic_for(occurrence_id: int | None, room_name: str) -> str:
    return f"occurrence:{occurrence_id}" if occurrence_id is not None else f"room:{room_name}"


def record_event(conn: sqlite3.Connection, topic: str, kind: str, payload: dict[str, Any]) -> int:
    """Record an event inside the transaction open on ``conn``; returns its id."""
    cursor = conn.execute(
        "INSERT INTO events (topic, kind, payload) VALUES (?, ?, ?)",
        (topic, kind, orjson.dumps(payload).decode()),
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


async def append_event(
    conn: aiosqlite.Connection, topic: str, kind: str, payload: dict[str, Any]
) -> int:
    """Record an event inside the caller's transaction; returns its id."""
    return await on_thread(conn, record_event, topic, kind, payload)


@dataclass(frozen=True)
class Event:
    id: int
    topic: str
    kind: str
    payload: str  # JSON text, passed on to subscribers as it is
    created_at: str


async def latest_event_id(source: Source) -> int:
    row = await fetchone(source, "SELECT COALESCE(MAX(id), 0) FROM events")
    return int(row[0]) if row else 0


async def events_after(
    source: Source, after_id: int, *, topics: Collection[str] | None = None, limit: int = 1000
) -> list[Event]:
    """Events with id above ``after_id``, oldest first; only ``topics`` if given."""
    sql = "SELECT id, topic, kind, payload, created_at FROM events WHERE id > ?"
    params: list[object] = [after_id]
    if topics is not None:
        sql += f" AND topic IN ({', '.join('?' for _ in topics)})"
        params.extend(topics)
    rows = await fetchall(source, sql + " ORDER BY id LIMIT ?", [*params, limit])
    return [Event(*row) for row in rows]


# the partial index of migration 0010 serves only queries that name its condition
_OCCURRENCE_TOPICS = "topic GLOB 'occurrence:*'"


def _replay(
    conn: sqlite3.Connection,
    after_id: int,
    occurrence_topics: list[str],
    own_topic: str,
    own_after_id: int,
    limit: int,
) -> list[Event]:
    marks = ", ".join("?" for _ in occurrence_topics)
    rows = conn.execute(
        f"SELECT id, topic, kind, payload, created_at FROM events WHERE {_OCCURRENCE_TOPICS}"
        f" AND topic IN ({marks}) AND id > ? ORDER BY id LIMIT ?",
        (*occurrence_topics, after_id, limit),
    ).fetchall()
    rows += conn.execute(
        "SELECT id, topic, kind, payload, created_at FROM events WHERE id > ? AND topic = ?"
        " ORDER BY id LIMIT ?",
        (max(after_id, own_after_id), own_topic, limit),
    ).fetchall()
    return [Event(*row) for row in sorted(rows, key=lambda row: row[0])[:limit]]


async def replay(
    source: Source,
    after_id: int,
    *,
    occurrence_topics: Collection[str],
    own_topic: str,
    own_after_id: int,
    limit: int = 500,
) -> list[Event]:
    """What a reconnecting subscriber missed, oldest first: events after ``after_id`` on
    the occurrences' topics, however far back (through their index), and on the person's
    own topic after ``own_after_id`` too (a scan of the ids since then)."""
    return await run(
        source, _replay, after_id, sorted(occurrence_topics), own_topic, own_after_id, limit
    )
