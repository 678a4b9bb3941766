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

Readers follow the log by id (``id > last``), which is only safe if ids become visible in
the order they were given. SQLite has one writer at a time, so they do. On PostgreSQL two
transactions could take ids 7 and 8 and commit 8 first; a reader that saw 8 would then
skip 7 for ever. So a transaction takes ``EVENT_LOCK`` (a transaction-scoped advisory lock)
before its first event and holds it to its commit: event-writing transactions commit one at
a time, in id order. The same transaction NOTIFYs ``colearn_events`` so every process
listening reads the new events at once (the notification carries no payload; readers read
the table).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

import orjson

from db import context
from db.conn import BEFORE_COMMIT, Conn, Row
from db.rows import Source, fetchone, run
from db.url import POSTGRESQL

EVENT_LOCK = 0x6576656E7473  # "events"
_PENDING = "events_pending"


def topic_for(occurrence_id: int | None, room_name: str) -> str:
    return f"occurrence:{occurrence_id}" if occurrence_id is not None else f"room:{room_name}"


_INSERT = (
    "INSERT INTO events (topic, kind, payload, request_id)"
    " VALUES (:topic, :kind, :payload, :request_id)"
)
# the lock and the wake-up ride on the first insert: one round trip, not three
_INSERT_LOCKED = (
    "INSERT INTO events (topic, kind, payload, request_id)"
    " SELECT :topic, :kind, :payload, :request_id FROM"
    " (SELECT pg_advisory_xact_lock(:key), pg_notify('colearn_events', '')) AS lock"
)


def record_event(conn: Conn, topic: str, kind: str, payload: dict[str, Any]) -> None:
    """Record an event inside the unit of work running on ``conn``.

    On PostgreSQL the event waits until the unit is about to commit (``flush_events``), so
    the event lock, which makes event-writing transactions commit one at a time, is held
    for the inserts and the COMMIT only, not for the rest of the unit's statements."""
    values = {
        "topic": topic,
        "kind": kind,
        "payload": orjson.dumps(payload).decode(),
        "request_id": context.current(conn),  # the API request that caused it, if any
    }
    if conn.dialect != POSTGRESQL:
        conn.run(_INSERT, values)
        return
    pending = conn.info.get(_PENDING)
    if pending is None:
        pending = conn.info[_PENDING] = []
        conn.info[BEFORE_COMMIT] = flush_events
    pending.append(values)


def flush_events(conn: Conn) -> None:
    """Write the unit's recorded events now (the engine does it just before COMMIT)."""
    pending = conn.info.get(_PENDING)
    while pending:
        values = pending.pop(0)
        if "events_locked" in conn.info:
            conn.run(_INSERT, values)
        else:
            conn.run(_INSERT_LOCKED, values, key=EVENT_LOCK)
            conn.info["events_locked"] = True


@dataclass(frozen=True)
class Event:
    id: int
    topic: str
    kind: str
    payload: str  # JSON text, passed on to subscribers as it is
    created_at: str


_COLUMNS = "id, topic, kind, payload, created_at"


def _event(row: Row) -> Event:
    return Event(row["id"], row["topic"], row["kind"], row["payload"], row["created_at"])


async def latest_event_id(source: Source) -> int:
    row = await fetchone(source, "SELECT COALESCE(MAX(id), 0) AS latest FROM events")
    return int(row["latest"]) if row else 0


def _after(conn: Conn, after_id: int, topics: list[str] | None, limit: int) -> list[Event]:
    if topics is None:
        where, params = "", {}
    elif not topics:
        return []
    else:
        where, params = " AND topic IN :topics", {"topics": topics}
    rows = conn.all(
        f"SELECT {_COLUMNS} FROM events WHERE id > :after{where} ORDER BY id LIMIT :limit",
        params,
        after=after_id,
        limit=limit,
    )
    return [_event(row) for row in rows]


async def events_after(
    source: Source, after_id: int, *, topics: Collection[str] | None = None, limit: int = 1000
) -> list[Event]:
    """Events with id above ``after_id``, oldest first; only ``topics`` if given."""
    return await run(source, _after, after_id, None if topics is None else sorted(topics), limit)


# the partial index of an occurrence's events serves only queries that name its condition
_OCCURRENCE_TOPICS = {
    "sqlite": "topic GLOB 'occurrence:*'",
    POSTGRESQL: "topic LIKE 'occurrence:%'",
}


def _replay(
    conn: Conn,
    after_id: int,
    occurrence_topics: list[str],
    own_topic: str,
    own_after_id: int,
    limit: int,
) -> list[Event]:
    rows: list[Row] = []
    if occurrence_topics:
        rows += conn.all(
            f"SELECT {_COLUMNS} FROM events WHERE {_OCCURRENCE_TOPICS[conn.dialect]}"
            " AND topic IN :topics AND id > :after ORDER BY id LIMIT :limit",
            topics=occurrence_topics,
            after=after_id,
            limit=limit,
        )
    rows += conn.all(
        f"SELECT {_COLUMNS} FROM events WHERE id > :after AND topic = :topic"
        " ORDER BY id LIMIT :limit",
        after=max(after_id, own_after_id),
        topic=own_topic,
        limit=limit,
    )
    return [_event(row) for row in sorted(rows, key=lambda row: row["id"])[:limit]]


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
