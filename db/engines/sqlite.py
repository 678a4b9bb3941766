"""SQLite, the embedded default: one file, one writer at a time, readers beside it (WAL).

Writes are grouped (group commit): writes that arrive together run one after another in
one ``BEGIN IMMEDIATE`` transaction and share its COMMIT, right on the event loop's thread
(a write is tens of microseconds, less than a hop to another thread and back). Only when
another process holds the file's write lock does a group wait for it, on a writer thread.
Reads run on a reader thread in one hop each and never wait for writers.

Checkpoints (copying the WAL back into the database file) are not left to the commit that
happens to cross SQLite's threshold, which would pay for copying every page written since
the last one: a background thread does them (``db.engines.sqlite_checkpoint``).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from db.conn import Conn, Cursor, Params, expand, merge, needs_expansion
from db.engines import run_at_end
from db.engines.sqlite_checkpoint import Checkpointer
from db.errors import Conflict, Unavailable
from db.url import SQLITE

T = TypeVar("T")

BUSY_TIMEOUT_MS = 10_000
PRAGMAS = (
    "journal_mode=WAL",
    "foreign_keys=ON",
    "synchronous=NORMAL",
    "cache_size=-65536",  # 64 MiB of pages: the hot indexes stay in memory
    "wal_autocheckpoint=0",  # the checkpointer thread does it
)
MAX_GROUP = 100  # at ~0.1 ms a write, the longest the event loop waits for a group


class SqliteConn(Conn):
    dialect = SQLITE

    def execute(self, sql: str, params: Params | None = None, /, **named: Any) -> Cursor:
        values = merge(params, named)
        if needs_expansion(values):
            sql, values = expand(sql, values)
        try:
            return self.raw.execute(sql, values)
        except sqlite3.IntegrityError as exc:
            raise Conflict(str(exc)) from exc
        except sqlite3.OperationalError as exc:
            if _no_space(exc):
                raise Unavailable(f"the database cannot be written: {exc}") from exc
            raise

    def run_many(self, sql: str, rows: list[Params]) -> None:
        try:
            self.raw.executemany(sql, rows)
        except sqlite3.IntegrityError as exc:
            raise Conflict(str(exc)) from exc
        except sqlite3.OperationalError as exc:
            if _no_space(exc):
                raise Unavailable(f"the database cannot be written: {exc}") from exc
            raise


# The disk (or SQLite's max_page_count) is full, or the file cannot be written: the
# statement changed nothing and the caller is told the database is unavailable (HTTP 503).
_NO_SPACE = (sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR)


def _no_space(exc: sqlite3.OperationalError) -> bool:
    return (getattr(exc, "sqlite_errorcode", 0) & 0xFF) in _NO_SPACE


def connect(path: Path, *, busy_timeout_ms: int) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    for pragma in (*PRAGMAS, f"busy_timeout={busy_timeout_ms}"):
        # read each answer out: an unfinished statement holds a read snapshot, and while
        # one is held the WAL cannot start over from its beginning
        conn.execute(f"PRAGMA {pragma}").fetchall()
    return conn


Pending = tuple[Callable[..., Any], tuple[Any, ...], "asyncio.Future[Any]"]


def run_group(raw: sqlite3.Connection, batch: list[Pending]) -> list[tuple[bool, Any]]:
    conn = SqliteConn(raw)
    conn.info["at_end"] = {}
    raw.execute("BEGIN IMMEDIATE")
    try:
        outcomes = _run_unguarded(conn, batch)
        if outcomes is None:
            # a write failed after changing rows: undo the lot, then redo each write in a
            # savepoint of its own, so only the failing one is lost
            if raw.in_transaction:
                raw.execute("ROLLBACK")
            conn = SqliteConn(raw)
            conn.info["at_end"] = {}
            raw.execute("BEGIN IMMEDIATE")
            outcomes = _run_guarded(conn, batch)
        run_at_end(conn)
        raw.execute("COMMIT")
    except BaseException:
        if raw.in_transaction:
            raw.execute("ROLLBACK")
        raise
    return outcomes


def _run_unguarded(conn: SqliteConn, batch: list[Pending]) -> list[tuple[bool, Any]] | None:
    """Each write with no savepoint around it (a savepoint copies every page a write
    touches, about a fifth of a booking's cost). A write that raises having changed no row
    (a refusal) needs nothing undone; None if one raised after changing rows."""
    raw = conn.raw
    outcomes: list[tuple[bool, Any]] = []
    for fn, args, _ in batch:
        before = raw.total_changes
        try:
            outcomes.append((True, fn(conn, *args)))
        except Exception as exc:
            if raw.total_changes != before or not raw.in_transaction:
                return None
            outcomes.append((False, exc))
    return outcomes


def _run_guarded(conn: SqliteConn, batch: list[Pending]) -> list[tuple[bool, Any]]:
    raw = conn.raw
    outcomes: list[tuple[bool, Any]] = []
    for fn, args, _ in batch:
        raw.execute("SAVEPOINT one_write")
        try:
            outcomes.append((True, fn(conn, *args)))
        except Exception as exc:
            raw.execute("ROLLBACK TO one_write")
            outcomes.append((False, exc))
        raw.execute("RELEASE one_write")
    return outcomes


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    return getattr(exc, "sqlite_errorcode", None) in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


def _read(raw: sqlite3.Connection, fn: Callable[..., T], args: tuple[Any, ...]) -> T:
    try:
        return fn(SqliteConn(raw), *args)
    finally:
        if raw.in_transaction:  # a unit that began one by mistake leaves no snapshot behind
            raw.execute("ROLLBACK")


class SqliteEngine:
    """``await SqliteEngine.open(path)``; the file must be migrated already."""

    dialect = SQLITE

    def __init__(self, path: Path) -> None:
        self.path = path
        self._inline = connect(path, busy_timeout_ms=0)  # never waits: never stalls the loop
        self._writer = connect(path, busy_timeout_ms=BUSY_TIMEOUT_MS)
        self._reader = connect(path, busy_timeout_ms=BUSY_TIMEOUT_MS)
        self._write_thread = concurrent.futures.ThreadPoolExecutor(1, "colearn-db-write")
        self._read_thread = concurrent.futures.ThreadPoolExecutor(1, "colearn-db-read")
        self._write_lock = asyncio.Lock()
        self.checkpointer = Checkpointer(path, self._write_lock)
        self._listeners: list[Callable[[], None]] = []
        self._pending: list[Pending] = []
        self._flusher: asyncio.Task[None] | None = None

    @classmethod
    async def open(cls, path: Path) -> SqliteEngine:
        try:
            return cls(path)
        except sqlite3.Error as exc:
            raise Unavailable(f"cannot open the SQLite database {path}: {exc}") from exc

    def on_commit(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)

    def stats(self) -> dict[str, int]:
        return {"waiting": len(self._pending)}

    def _committed(self) -> None:
        self.checkpointer.after_commit()
        for listener in self._listeners:
            listener()

    async def read(self, fn: Callable[..., T], *args: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._read_thread, _read, self._reader, fn, args)

    async def write(self, fn: Callable[..., T], *args: Any) -> T:
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending.append((fn, args, future))
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush())
        return await future

    async def _flush(self) -> None:
        loop = asyncio.get_running_loop()
        while self._pending:
            batch, self._pending = self._pending[:MAX_GROUP], self._pending[MAX_GROUP:]
            try:
                async with self._write_lock:
                    try:
                        outcomes = run_group(self._inline, batch)
                    except sqlite3.OperationalError as exc:
                        if not _is_busy(exc):
                            raise
                        # another process is writing: wait for it off the loop
                        outcomes = await loop.run_in_executor(
                            self._write_thread, run_group, self._writer, batch
                        )
            except BaseException as exc:
                failure = exc
                if isinstance(exc, sqlite3.OperationalError):
                    failure = Unavailable(f"the database could not commit: {exc}")
                for _, _, future in batch:
                    if not future.done():
                        future.set_exception(failure)
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
            self._committed()

    async def aclose(self) -> None:
        """Finish the writes under way, then close every thread and connection, whatever
        fails on the way: a thread left running would hold the process at exit."""
        try:
            if self._flusher is not None:
                await self._flusher
            await self.checkpointer.aclose()
        finally:
            self._write_thread.shutdown(cancel_futures=True)
            self._read_thread.shutdown(cancel_futures=True)
            for conn in (self._inline, self._writer, self._reader):
                conn.close()
