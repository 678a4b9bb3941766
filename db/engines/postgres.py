"""PostgreSQL 15+, for a school that outgrows one machine: many processes, real concurrency.

Units of work stay synchronous functions: each runs on a thread of a small pool, with a
connection of its own; a write in one transaction (READ COMMITTED), a read statement by
statement (at READ COMMITTED a transaction would give it nothing but two round trips).
psycopg releases the GIL while it waits for the server, so the threads overlap their
round trips. Locking is said in the
SQL (``FOR UPDATE`` on an occurrence before counting its seats, ``SKIP LOCKED`` for outbox
claims); a transaction the server aborts for a serialization failure or a deadlock runs
again. A connection lost meanwhile is retried with backoff for ``RETRY_FOR_S`` seconds,
after which the caller gets ``Unavailable`` (nothing was written).

Commits that wrote events say so with ``NOTIFY colearn_events`` (db/events.py); every
process that listens (``on_commit``) is woken by a connection of its own that LISTENs.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import time
from collections.abc import Callable
from contextlib import suppress
from typing import Any, TypeVar

import psycopg
from psycopg import errors as pg_errors
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool, PoolTimeout

from db.conn import Conn, Cursor, Params, expand, merge, needs_expansion, to_pyformat
from db.engines import run_at_end
from db.errors import Conflict, Unavailable
from db.url import POSTGRESQL, DbUrl

T = TypeVar("T")
log = logging.getLogger("colearn.db")

POOL_SIZE = 10
CONNECT_TIMEOUT_S = 10.0
RETRY_FOR_S = 5.0
SERIALIZATION_RETRIES = 10
CHANNEL = "colearn_events"

_RETRY_NOW = (pg_errors.SerializationFailure, pg_errors.DeadlockDetected)
_LOST = (psycopg.OperationalError, PoolTimeout)


class PgConn(Conn):
    dialect = POSTGRESQL
    for_update = " FOR UPDATE"
    skip_locked = " FOR UPDATE SKIP LOCKED"

    def execute(self, sql: str, params: Params | None = None, /, **named: Any) -> Cursor:
        values = merge(params, named)
        if needs_expansion(values):
            sql, values = expand(sql, values)
        try:
            return self.raw.execute(to_pyformat(sql), values)
        except psycopg.IntegrityError as exc:
            raise Conflict(_first_line(exc)) from exc

    def run_many(self, sql: str, rows: list[Params]) -> None:
        try:
            with self.raw.cursor() as cursor:
                cursor.executemany(to_pyformat(sql), rows)
        except psycopg.IntegrityError as exc:
            raise Conflict(_first_line(exc)) from exc


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _connection_lost(exc: BaseException) -> bool:
    """Whether the error is the connection's (worth retrying), not the statement's."""
    if isinstance(exc, PoolTimeout):
        return True
    state = getattr(exc, "sqlstate", None)
    return state is None or state.startswith(("08", "57P"))


class PostgresEngine:
    dialect = POSTGRESQL

    def __init__(self, url: DbUrl, pool: ConnectionPool) -> None:
        self.url = url
        self._pool = pool
        self._threads = concurrent.futures.ThreadPoolExecutor(POOL_SIZE, "colearn-pg")
        self._listeners: list[Callable[[], None]] = []
        self._listening: asyncio.Task[None] | None = None

    @classmethod
    async def open(cls, url: DbUrl) -> PostgresEngine:
        pool = ConnectionPool(
            url.dsn,
            min_size=1,
            max_size=POOL_SIZE,
            kwargs={"row_factory": dict_row, "autocommit": True},
            open=False,
            name="colearn",
        )
        try:
            await asyncio.to_thread(pool.open, True, CONNECT_TIMEOUT_S)
        except (PoolTimeout, psycopg.Error) as exc:
            await asyncio.to_thread(pool.close)
            raise Unavailable(f"cannot reach PostgreSQL at {url}: {_first_line(exc)}") from exc
        return cls(url, pool)

    def on_commit(self, listener: Callable[[], None]) -> None:
        """``listener()`` after a commit of this process, and whenever another process
        commits events (LISTEN/NOTIFY)."""
        self._listeners.append(listener)
        if self._listening is None:
            self._listening = asyncio.create_task(self._listen(), name="colearn-pg-listen")

    def stats(self) -> dict[str, int]:
        pool = self._pool.get_stats()
        return {
            "size": pool.get("pool_size", 0),
            "idle": pool.get("pool_available", 0),
            "max": pool.get("pool_max", POOL_SIZE),
            "waiting": pool.get("requests_waiting", 0),
        }

    def _committed(self) -> None:
        for listener in self._listeners:
            listener()

    async def _listen(self) -> None:
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(
                    self.url.dsn, autocommit=True
                ) as conn:
                    await conn.execute(f"LISTEN {CHANNEL}")
                    self._committed()  # whatever came while not listening
                    async for _ in conn.notifies():
                        self._committed()
            except psycopg.Error as exc:
                log.warning("listening for events failed (%s); again in 1 s", _first_line(exc))
                await asyncio.sleep(1.0)

    async def read(self, fn: Callable[..., T], *args: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._threads, self._run, fn, args, False)

    async def write(self, fn: Callable[..., T], *args: Any) -> T:
        loop = asyncio.get_running_loop()
        result = await loop.run_in_executor(self._threads, self._run, fn, args, True)
        self._committed()
        return result

    def _run(self, fn: Callable[..., T], args: tuple[Any, ...], writing: bool) -> T:
        deadline = time.monotonic() + RETRY_FOR_S
        delay = 0.05
        conflicts = 0
        while True:
            try:
                with self._pool.connection(timeout=RETRY_FOR_S) as raw:
                    conn = PgConn(raw)
                    if not writing:
                        # at READ COMMITTED a transaction around reads gives them nothing
                        # (each statement sees what was committed when it began), so a
                        # read runs statement by statement: no BEGIN and COMMIT round trips
                        return fn(conn, *args)
                    with raw.transaction():
                        conn.info["at_end"] = {}
                        result = fn(conn, *args)
                        run_at_end(conn)
                    return result
            except _RETRY_NOW:
                conflicts += 1
                if conflicts > SERIALIZATION_RETRIES:
                    raise Conflict("the change kept colliding with others; try again") from None
            except _LOST as exc:
                if (getattr(exc, "sqlstate", None) or "").startswith("53"):
                    # insufficient resources (disk full, out of memory): nothing was written
                    raise Unavailable(f"PostgreSQL cannot write: {_first_line(exc)}") from exc
                if not _connection_lost(exc) or time.monotonic() + delay > deadline:
                    if not _connection_lost(exc):
                        raise
                    raise Unavailable(f"PostgreSQL cannot be reached: {_first_line(exc)}") from exc
                log.warning("PostgreSQL connection lost (%s); retrying", _first_line(exc))
                time.sleep(delay)
                delay = min(delay * 2, 1.0)

    async def aclose(self) -> None:
        if self._listening is not None:
            self._listening.cancel()
            with suppress(asyncio.CancelledError):
                await self._listening
        try:
            self._threads.shutdown(cancel_futures=True)
        finally:
            await asyncio.to_thread(self._pool.close, 2.0)  # its workers: 2 s at most
