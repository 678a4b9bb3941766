"""One database per worker or one per room? Chat writes from many room threads, both ways.

Each room is a thread with its own event loop, as in the agent worker; each stores chat
messages at a steady rate. "per room" opens a ``Database`` in every room's loop (on SQLite,
rooms then contend for the file's write lock; on PostgreSQL each has a connection pool);
"per worker" sends every room's writes to one ``WorkerStore``. Prints commit latency and
process CPU for both, side by side:
    .venv/bin/python bench/agent_store.py [--rooms 50] [--rate 6] [--seconds 10] [--db URL]
``--db`` names an empty database to use (e.g. a PostgreSQL URL); by default a new SQLite
file in a temporary directory.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from agents.store import WorkerStore
from db import Database, migrate
from db.chat import ChatMessage, store_message
from db.room_ref import RoomRef

Write = Callable[[RoomRef, ChatMessage], Awaitable[object]]


def message() -> ChatMessage:
    return ChatMessage(uuid.uuid4().hex, "alice", "Alice", "hello " * 8, datetime.now(UTC))


async def room_loop(room: RoomRef, write: Write, rate: float, seconds: float) -> list[float]:
    latencies: list[float] = []
    pending: set[asyncio.Task[None]] = set()

    async def one() -> None:
        started = time.perf_counter()
        msg = message()
        await write(room, msg)
        latencies.append(time.perf_counter() - started)

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        task = asyncio.create_task(one())
        pending.add(task)
        task.add_done_callback(pending.discard)
        await asyncio.sleep(1 / rate)
    await asyncio.gather(*pending)
    return latencies


def per_room(url: str, room: RoomRef, rate: float, seconds: float) -> list[float]:
    async def run() -> list[float]:
        db = await Database.open(url, run_migrations=False)

        async def write(room: RoomRef, msg: ChatMessage) -> object:
            return await db.write(store_message, room, msg)

        try:
            return await room_loop(room, write, rate, seconds)
        finally:
            await db.aclose()

    return asyncio.run(run())


def per_worker(store: WorkerStore, room: RoomRef, rate: float, seconds: float) -> list[float]:
    async def write(room: RoomRef, msg: ChatMessage) -> object:
        return await asyncio.wrap_future(store.write(store_message, room, msg))

    return asyncio.run(room_loop(room, write, rate, seconds))


def run_rooms(rooms: int, target: Callable[[RoomRef], list[float]]) -> tuple[list[float], float]:
    results: list[list[float]] = []
    threads = [
        threading.Thread(target=lambda i=i: results.append(target(RoomRef(f"room-{i}", None))))
        for i in range(rooms)
    ]
    cpu = time.process_time()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [x for r in results for x in r], time.process_time() - cpu


def report(label: str, latencies: list[float], cpu: float, seconds: float) -> None:
    ms = sorted(x * 1000 for x in latencies)
    p99 = ms[int(len(ms) * 0.99) - 1]
    print(
        f"{label:<11} {len(ms):6d} writes  p50 {statistics.median(ms):6.2f} ms  "
        f"p99 {p99:7.2f} ms  max {ms[-1]:7.2f} ms  CPU {cpu / seconds * 100:5.1f} %"
    )


@contextmanager
def database(url: str | None) -> Iterator[str]:
    """The database to write to, migrated: ``url``, or a new SQLite file."""
    if url is not None:
        migrate(url)
        yield url
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "bench.db")
        migrate(path)
        yield path


def main(rooms: int, rate: float, seconds: float, url: str | None) -> None:
    with database(url) as target:
        print(f"{rooms} rooms, {rate:g} messages/s each, {seconds:g} s")
        latencies, cpu = run_rooms(rooms, lambda room: per_room(target, room, rate, seconds))
        report("per room", latencies, cpu, seconds)
        store = WorkerStore.open(target)
        try:
            latencies, cpu = run_rooms(rooms, lambda room: per_worker(store, room, rate, seconds))
        finally:
            store.close()
        report("per worker", latencies, cpu, seconds)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rooms", type=int, default=50)
    parser.add_argument("--rate", type=float, default=6.0)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--db", default=None, help="a database URL (default: a new SQLite file)")
    args = parser.parse_args()
    main(args.rooms, args.rate, args.seconds, args.db)
