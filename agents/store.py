"""The worker's one ``Database``, on a loop and thread of its own, shared by every room.

Each room's job runs its own event loop in its own thread, but a ``Database`` belongs to the
loop it was opened on (its group commit and locks are that loop's). So it lives on one loop
here, and rooms hand it units of work (``fn(conn, *args)``, see db/conn.py) from any thread:
``write`` for a change, ``read`` for a look. Writes from many rooms arriving together share
commits (``Database.write`` groups them) instead of queueing for them.

Order: a room's writes commit in the order the room queued them (chat ids follow arrival;
a leave never overtakes its join). The database may run writes concurrently, so each caller
thread (one per room) has a queue here, and its next write starts once the one before has
committed. Rooms do not wait for each other.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import threading
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from db import Database
from db.url import DbUrl

T = TypeVar("T")

CLOSE_TIMEOUT_S = 10.0

_Write = tuple[Callable[..., Any], tuple[Any, ...], "concurrent.futures.Future[Any]"]


class StoreClosed(RuntimeError):
    """A write was handed to the store after it closed."""


class WorkerStore:
    """``WorkerStore.open(url)`` once per worker process; ``close()`` when it stops."""

    def __init__(self, db: Database, loop: asyncio.AbstractEventLoop, thread: threading.Thread):
        self._db = db
        self._loop = loop
        self._thread = thread
        # per caller thread: its writes not yet committed, and the task committing them
        self._queues: dict[int, deque[_Write]] = {}
        self._drains: dict[int, asyncio.Task[None]] = {}
        self._closed = False

    @property
    def database(self) -> Database:
        """For metrics (its connection use); units of work go through ``write``/``read``."""
        return self._db

    @classmethod
    def open(cls, url: str | Path | DbUrl) -> WorkerStore:
        """Open (and migrate) the database on a new thread; blocks until it is ready."""
        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_forever, name="colearn-db", daemon=True)
        thread.start()
        try:
            db = asyncio.run_coroutine_threadsafe(Database.open(url), loop).result()
            return cls(db, loop, thread)
        except BaseException:
            loop.call_soon_threadsafe(loop.stop)
            raise

    def write(self, fn: Callable[..., T], *args: Any) -> concurrent.futures.Future[T]:
        """Queue the unit of work ``fn(conn, *args)``; callable from any thread.

        The future resolves once it has committed, to ``fn``'s result or the exception it
        raised (its changes undone). Writes queued from one thread commit in that order.
        """
        future: concurrent.futures.Future[T] = concurrent.futures.Future()
        key = threading.get_ident()
        try:
            self._loop.call_soon_threadsafe(self._enqueue, key, (fn, args, future))
        except RuntimeError:  # the store's loop has stopped
            future.set_exception(StoreClosed("the worker's store is closed"))
        return future

    async def read(self, fn: Callable[..., T], *args: Any) -> T:
        """The result of the unit of work ``fn(conn, *args)`` run in a read transaction."""
        return await asyncio.wrap_future(
            asyncio.run_coroutine_threadsafe(self._db.read(fn, *args), self._loop)
        )

    def _enqueue(self, key: int, write: _Write) -> None:
        if self._closed:
            write[2].set_exception(StoreClosed("the worker's store is closed"))
            return
        queue = self._queues.setdefault(key, deque())
        queue.append(write)
        if key not in self._drains:
            self._drains[key] = self._loop.create_task(self._drain(key, queue))

    async def _drain(self, key: int, queue: deque[_Write]) -> None:
        try:
            while queue:
                fn, args, future = queue[0]
                if future.set_running_or_notify_cancel():
                    try:
                        result = await self._db.write(fn, *args)
                    except Exception as exc:
                        future.set_exception(exc)
                    else:
                        future.set_result(result)
                queue.popleft()
        except BaseException:  # cancelled: what is left will not be written
            for _, _, future in queue:
                if not future.done():
                    if future.running() or future.set_running_or_notify_cancel():
                        future.set_exception(StoreClosed("the worker's store closed first"))
            raise
        finally:
            del self._queues[key]
            del self._drains[key]

    async def _close(self) -> None:
        self._closed = True
        while self._drains:
            await asyncio.gather(*self._drains.values(), return_exceptions=True)
        await self._db.aclose()

    def close(self) -> None:
        """Commit what is queued, close the database and stop the thread (blocking)."""
        if not self._thread.is_alive():
            return
        try:
            asyncio.run_coroutine_threadsafe(self._close(), self._loop).result(
                timeout=CLOSE_TIMEOUT_S
            )
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=CLOSE_TIMEOUT_S)
            if not self._thread.is_alive():
                self._loop.close()


def log_failure(future: concurrent.futures.Future[Any], what: str, log: logging.Logger) -> None:
    """Log if a write nobody waits for fails (``what`` names it; keep user text out of it)."""

    def _done(done: concurrent.futures.Future[Any]) -> None:
        if not done.cancelled() and (exc := done.exception()) is not None:
            log.error("%s failed: %s", what, exc)

    future.add_done_callback(_done)
