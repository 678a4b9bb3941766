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
from typing import Any

import aiosqlite

from db.migrate import migrate

BUSY_TIMEOUT_MS = 10_000


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

    async def fetchone(self, sql: str, params: Iterable[Any] = ()) -> sqlite3.Row | None:
        async with self._reader.execute(sql, tuple(params)) as cursor:
            return await cursor.fetchone()

    async def fetchall(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        async with self._reader.execute(sql, tuple(params)) as cursor:
            return list(await cursor.fetchall())
