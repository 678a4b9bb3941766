"""The one way into the SQLite file: a serialized write path beside WAL readers.

The API and the agent worker open the same file. Writes go through ``transaction()``,
which takes SQLite's write lock up front (``BEGIN IMMEDIATE``) so a transaction never
fails half-way on a lock upgrade; within one process an asyncio lock queues writers so
they do not spin on ``busy_timeout``. Reads use a separate connection and never block
on writers (WAL).
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

from db.migrate import migrate

BUSY_TIMEOUT_MS = 10_000

T = TypeVar("T")


async def on_thread(conn: aiosqlite.Connection, fn: Callable[..., T], *args: Any) -> T:
    """Run ``fn(sqlite3_connection, *args)`` on the connection's own thread.

    aiosqlite hops to its thread and back for every statement, and under load each hop
    waits for the busy event loop; a unit of work done in one hop holds the write lock
    for a fraction of the time. (``_execute`` is how aiosqlite itself runs work there.)
    """
    return await conn._execute(fn, conn._conn, *args)


MAX_GROUP = 200
Pending = tuple[Callable[..., Any], tuple[Any, ...], "asyncio.Future[Any]"]


def _run_group(conn: sqlite3.Connection, batch: list[Pending]) -> list[tuple[bool, Any]]:
    outcomes: list[tuple[bool, Any]] = []
    conn.execute("BEGIN IMMEDIATE")
    try:
        for fn, args, _ in batch:
            conn.execute("SAVEPOINT one_write")
            try:
                outcomes.append((True, fn(conn, *args)))
            except Exception as exc:
                conn.execute("ROLLBACK TO one_write")
                outcomes.append((False, exc))
            conn.execute("RELEASE one_write")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return outcomes


async def _open(path: Path) -> aiosqlite.Connection:
    conn = await aiosqlite.connect(path, isolation_level=None)
    conn.row_factory = sqlite3.Row
    await conn.execute("PRAGMA journal_mode=WAL")
    await conn.execute("PRAGMA foreign_keys=ON")
    await conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    await conn.execute("PRAGMA synchronous=NORMAL")
    return conn


class Database:
    """An open Co~Learn database: ``await Database.open(path)``, then ``await db.aclose()``."""

    def __init__(self, path: Path, writer: aiosqlite.Connection, reader: aiosqlite.Connection):
        self.path = path
        self._writer = writer
        self._reader = reader
        self._write_lock = asyncio.Lock()
        self._commit_listeners: list[Callable[[], None]] = []
        self._pending: list[Pending] = []
        self._flusher: asyncio.Task[None] | None = None

    @classmethod
    async def open(cls, path: Path, *, run_migrations: bool = True) -> Database:
        if run_migrations:
            await asyncio.to_thread(migrate, path)
        writer = await _open(path)
        try:
            reader = await _open(path)
        except BaseException:
            await writer.close()
            raise
        return cls(path, writer, reader)

    async def aclose(self) -> None:
        if self._flusher is not None:
            await self._flusher
        await self._reader.close()
        await self._writer.close()

    def on_commit(self, listener: Callable[[], None]) -> None:
        """Call ``listener`` after each commit (e.g. to push new events without waiting)."""
        self._commit_listeners.append(listener)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """Everything done on the yielded connection commits together, or not at all."""
        async with self._write_lock:
            await self._writer.execute("BEGIN IMMEDIATE")
            try:
                yield self._writer
            except BaseException:
                await self._writer.execute("ROLLBACK")
                raise
            else:
                await self._writer.execute("COMMIT")
                for listener in self._commit_listeners:
                    listener()

    async def write(self, fn: Callable[..., T], *args: Any) -> T:
        """``fn(conn, *args)`` on the writer's thread, all or nothing.

        Writes that arrive together are committed together (group commit): one hop to the
        writer's thread and one COMMIT for the lot, each in a SAVEPOINT of its own so one
        that raises is undone alone. Under load this is what keeps the write lock short.
        """
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending.append((fn, args, future))
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush())
        return await future

    async def _flush(self) -> None:
        while self._pending:
            batch, self._pending = self._pending[:MAX_GROUP], self._pending[MAX_GROUP:]
            try:
                async with self._write_lock:
                    outcomes = await on_thread(self._writer, _run_group, batch)
            except BaseException as exc:
                for _, _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                if not isinstance(exc, Exception):
                    raise
                continue
            for (_, _, future), (ok, value) in zip(batch, outcomes, strict=True):
                if future.done():
                    continue
                if ok:
                    future.set_result(value)
                else:
                    future.set_exception(value)
            for listener in self._commit_listeners:
                listener()

    async def read(self, fn: Callable[..., T], *args: Any) -> T:
        """``fn(conn, *args)`` on the reader's thread, in a single hop."""
        return await on_thread(self._reader, fn, *args)

    async def fetchone(self, sql: str, params: Iterable[Any] = ()) -> sqlite3.Row | None:
        async with self._reader.execute(sql, tuple(params)) as cursor:
            return await cursor.fetchone()

    async def fetchall(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        async with self._reader.execute(sql, tuple(params)) as cursor:
            return list(await cursor.fetchall())
