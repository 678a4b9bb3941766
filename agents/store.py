"""The worker's one database connection pair, on a thread of its own, shared by every room.

Each room's job runs its own event loop in its own thread. aiosqlite would answer any loop,
but ``Database``'s write lock is an ``asyncio.Lock``, which belongs to one loop and is not
thread-safe, and a pair of connections per room would make rooms contend for SQLite's file
lock, whose busy handler sleeps for up to 100 ms at a time. So the ``Database`` lives on one
loop here; rooms hand it writes from any thread, and one writer commits them in arrival
order, as many per transaction as are waiting (``db.batch``): under load, rooms share
commits instead of queueing for them.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import threading
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

from db import Database
from db.batch import commit_each

T = TypeVar("T")

# At DEBUG, aiosqlite logs every statement with its parameters: chat text would end up in
# the log.
logging.getLogger("aiosqlite").setLevel(logging.INFO)

# Bounds how long one commit holds SQLite's write lock (the API writes to the same file).
MAX_BATCH = 256
CLOSE_TIMEOUT_S = 10.0

_Write = tuple[Callable[[aiosqlite.Connection], Awaitable[Any]], concurrent.futures.Future[Any]]


class WorkerStore:
    """``WorkerStore.open(path)`` once per worker process; ``close()`` when it stops."""

    def __init__(self, db: Database, loop: asyncio.AbstractEventLoop, thread: threading.Thread):
        self._db = db
        self._loop = loop
        self._thread = thread
        self._queue: asyncio.Queue[_Write | None] = asyncio.Queue()
        self._writer = asyncio.run_coroutine_threadsafe(self._write_batches(), loop)

    @classmethod
    def open(cls, path: Path) -> WorkerStore:
        """Open (and migrate) the database on a new thread; blocks until it is ready."""
        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_forever, name="colearn-db", daemon=True)
        thread.start()
        try:
            db = asyncio.run_coroutine_threadsafe(Database.open(path), loop).result()
            return asyncio.run_coroutine_threadsafe(_construct(cls, db, thread), loop).result()
        except BaseException:
            loop.call_soon_threadsafe(loop.stop)
            raise

    def write(
        self, op: Callable[[aiosqlite.Connection], Awaitable[T]]
    ) -> concurrent.futures.Future[T]:
        """Queue ``op(conn)`` to run inside a transaction; callable from any thread.

        Writes run in the order they were queued. The future resolves once the transaction
        has committed, to ``op``'s result or the exception it raised (its changes undone).
        """
        future: concurrent.futures.Future[T] = concurrent.futures.Future()
        self._loop.call_soon_threadsafe(self._queue.put_nowait, (op, future))
        return future

    async def read(self, query: Callable[[Database], Awaitable[T]]) -> T:
        """Run ``query(db)`` against the read connection and return its result."""
        return await asyncio.wrap_future(
            asyncio.run_coroutine_threadsafe(query(self._db), self._loop)
        )

    async def _write_batches(self) -> None:
        while True:
            batch = [await self._queue.get()]
            while len(batch) < MAX_BATCH and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            writes = [item for item in batch if item is not None]
            if writes:
                outcomes = await commit_each(self._db, [op for op, _ in writes])
                for (_, future), outcome in zip(writes, outcomes, strict=True):
                    if isinstance(outcome, Exception):
                        future.set_exception(outcome)
                    else:
                        future.set_result(outcome)
            if len(writes) < len(batch):
                return

    def close(self) -> None:
        """Commit what is queued, close the database and stop the thread (blocking)."""
        if not self._thread.is_alive():
            return
        self._loop.call_soon_threadsafe(self._queue.put_nowait, None)
        try:
            self._writer.result(timeout=CLOSE_TIMEOUT_S)
            asyncio.run_coroutine_threadsafe(self._db.aclose(), self._loop).result(
                timeout=CLOSE_TIMEOUT_S
            )
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=CLOSE_TIMEOUT_S)
            if not self._thread.is_alive():
                self._loop.close()


async def _construct(cls: type[WorkerStore], db: Database, thread: threading.Thread) -> WorkerStore:
    # asyncio.Queue binds to the loop it is first used on: build the store on its own loop.
    return cls(db, asyncio.get_running_loop(), thread)


def log_failure(future: concurrent.futures.Future[Any], what: str, log: logging.Logger) -> None:
    """Log if a write nobody waits for fails (``what`` names it; keep user text out of it)."""

    def _done(done: concurrent.futures.Future[Any]) -> None:
        if not done.cancelled() and (exc := done.exception()) is not None:
            log.error("%s failed: %s", what, exc)

    future.add_done_callback(_done)
