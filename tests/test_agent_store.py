"""The agent worker's store: rooms on threads of their own hand it units of work; each room's
writes commit in order, two workers storing the same chat store each message once, and a
failing write spoils no other."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from agents.store import StoreClosed, WorkerStore
from db import Conflict, Database
from db.chat import (
    ChatMessage,
    StoredMessage,
    messages_after,
    room_messages_before,
    store_message,
)
from db.conn import Conn
from db.events import events_after
from db.room_ref import RoomRef

MESSAGES = 60
ROOMS = 4


@pytest.fixture
def stores(db_url: str) -> Iterator[list[WorkerStore]]:
    """Two workers' stores on one database."""
    opened = [WorkerStore.open(db_url), WorkerStore.open(db_url)]
    try:
        yield opened
    finally:
        for store in opened:
            store.close()


def _room(stores: list[WorkerStore], name: str, stored: list[int]) -> None:
    """A room's thread and loop, as in the worker: every message handed to every store."""

    async def run() -> None:
        room = RoomRef(name, None)
        writes = []
        for n in range(MESSAGES):
            message = ChatMessage(f"m{n:03d}", "alice", "Alice", f"line {n}", datetime.now(UTC))
            for store in stores:
                writes.append(asyncio.wrap_future(store.write(store_message, room, message)))
        results: list[StoredMessage | None] = await asyncio.gather(*writes)
        stored.append(sum(result is not None for result in results))

    asyncio.run(run())


async def test_two_workers_store_each_message_once_in_the_order_it_came(
    db_url: str, stores: list[WorkerStore]
) -> None:
    names = [f"room-{n}" for n in range(ROOMS)]
    stored: list[int] = []
    threads = [threading.Thread(target=_room, args=(stores, name, stored)) for name in names]
    for thread in threads:
        thread.start()
    await asyncio.to_thread(lambda: [thread.join() for thread in threads])
    assert stored == [MESSAGES] * ROOMS

    db = await Database.open(db_url, run_migrations=False)
    try:
        for name in names:
            messages = await messages_after(db, room_name=name, limit=MESSAGES * 2)
            assert [m.message_id for m in messages] == [f"m{n:03d}" for n in range(MESSAGES)]
            events = await events_after(db, 0, topics=[f"room:{name}"], limit=MESSAGES * 2)
            assert [e.kind for e in events] == ["chat.message"] * MESSAGES
    finally:
        await db.aclose()


def _refuse(conn: Conn) -> None:
    conn.run("INSERT INTO chat_messages (room_name) VALUES (:room)", room="broken")


async def test_a_failing_write_spoils_no_other(db_url: str, stores: list[WorkerStore]) -> None:
    store = stores[0]
    room = RoomRef("room-f", None)
    before = ChatMessage("a", "alice", "Alice", "before", datetime.now(UTC))
    after = ChatMessage("b", "alice", "Alice", "after", datetime.now(UTC))
    writes = [
        store.write(store_message, room, before),
        store.write(_refuse),
        store.write(store_message, room, after),
    ]
    done = await asyncio.gather(*(asyncio.wrap_future(w) for w in writes), return_exceptions=True)
    assert isinstance(done[0], StoredMessage) and isinstance(done[2], StoredMessage)
    assert isinstance(done[1], Conflict)
    found = await store.read(room_messages_before, "room-f", None, 10)
    assert [m.message_id for m in found] == ["a", "b"]


async def test_a_closed_store_refuses_writes(db_url: str) -> None:
    store = WorkerStore.open(db_url)
    store.close()
    message = ChatMessage("late", "alice", "Alice", "too late", datetime.now(UTC))
    with pytest.raises(StoreClosed):
        await asyncio.wrap_future(store.write(store_message, RoomRef("room-c", None), message))
