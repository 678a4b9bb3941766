"""The one way into Co~Learn's data: ``await Database.open(url)``, then reads and writes.

A unit of work is a plain synchronous function ``fn(conn, *args)`` (see db/conn.py):

- ``await db.read(fn, *args)`` runs it in a transaction that writes nothing;
- ``await db.write(fn, *args)`` runs it in a transaction that commits, or not at all.
  ``fn`` may run more than once (SQLite's group commit redoes a group without the write
  that failed; PostgreSQL runs a transaction again after a serialization failure), so it
  must change nothing but the database.

Which engine is underneath (``COLEARN_DB``: a file path is SQLite, a ``postgresql://`` URL
is PostgreSQL) is this module's business and the engines'; callers never ask. The API, the
agent and the mail worker all use this same interface.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from db import context, observe
from db.engines import Engine, at_group_end
from db.migrate import migrate
from db.url import POSTGRESQL, DbUrl, parse

T = TypeVar("T")

__all__ = ["Database", "at_group_end"]


class Database:
    def __init__(self, url: DbUrl, engine: Engine) -> None:
        self.url = url
        self._engine = engine

    @classmethod
    async def open(cls, target: str | Path | DbUrl, *, run_migrations: bool = True) -> Database:
        """Open (and by default migrate) the database ``target`` names. Raises
        ``db.errors.Unavailable`` when it cannot be reached, ``MigrationError`` when its
        schema is newer than this code."""
        url = target if isinstance(target, DbUrl) else parse(target)
        if run_migrations:
            await asyncio.to_thread(migrate, url)
        engine: Engine
        if url.dialect == POSTGRESQL:
            from db.engines.postgres import PostgresEngine

            engine = await PostgresEngine.open(url)
        else:
            from db.engines.sqlite import SqliteEngine

            assert url.path is not None
            engine = await SqliteEngine.open(url.path)
        return cls(url, engine)

    @property
    def dialect(self) -> str:
        """For benchmarks and reports; code outside db/ has no business branching on it."""
        return self._engine.dialect

    @property
    def engine(self) -> Engine:
        return self._engine

    async def read(self, fn: Callable[..., T], *args: Any) -> T:
        if not observe.timings:
            return await self._engine.read(fn, *args)
        started = time.perf_counter()
        try:
            return await self._engine.read(fn, *args)
        finally:
            _observed("read", time.perf_counter() - started)

    async def write(self, fn: Callable[..., T], *args: Any) -> T:
        fn = _on_behalf_of(context.request_id.get(), fn)
        if not observe.timings:
            return await self._engine.write(fn, *args)
        started = time.perf_counter()
        try:
            return await self._engine.write(fn, *args)
        finally:
            _observed("write", time.perf_counter() - started)

    def stats(self) -> dict[str, int]:
        """The engine's connection use now, for metrics: PostgreSQL's pool (``size``,
        ``idle``, ``max``, ``waiting`` for a connection); SQLite's ``waiting`` (writes
        queued for the next group commit)."""
        return self._engine.stats()

    @property
    def announces_all_commits(self) -> bool:
        """Whether ``on_commit`` hears other processes' commits too (PostgreSQL's
        LISTEN/NOTIFY), so a reader need not look again on a timer."""
        return self._engine.dialect == POSTGRESQL

    def on_commit(self, listener: Callable[[], None]) -> None:
        """``listener()`` after each commit that may have written events: this process's
        own, and on PostgreSQL any process's (LISTEN/NOTIFY). On SQLite another process's
        commits are not announced: read again now and then."""
        self._engine.on_commit(listener)

    async def aclose(self) -> None:
        await self._engine.aclose()


def _observed(kind: str, seconds: float) -> None:
    for timing in observe.timings:
        timing(kind, seconds)


def _on_behalf_of(cause: str | None, fn: Callable[..., T]) -> Callable[..., T]:
    """``fn`` that records ``cause`` as its request id wherever it runs: on a thread of the
    engine's, or in a group commit begun by another request (``db.context.current``)."""

    def unit(conn: Any, *args: Any) -> T:
        # work done at the end of the transaction, outside any one unit (an event telling
        # seats after a group commit), sees the request of the unit that ran last
        conn.info[context.INFO_KEY] = cause
        return fn(conn, *args)

    return unit
