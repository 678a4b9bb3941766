"""The one way into the SQLite file: a serialized write path beside WAL readers.

The API and the agent worker open the same file. Writes go through ``write`` (group
commit, below) or ``transaction()``, which take SQLite's write lock up front (``BEGIN
IMMEDIATE``) so a transaction never fails half-way on a lock upgrade; within one process
an asyncio lock queues writers so they do not spin on ``busy_timeout``. Reads use a
separate connection and never block on writers (WAL).

Checkpoints (copying the WAL back into the database file) are not left to the commit
that happens to cross SQLite's threshold: that commit would pay for copying every page
written since the last one. A background thread does them instead (``_Checkpointer``).
"""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
from collections.abc import AsyncIterator, Callable, Hashable, Iterable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

from db.migrate import migrate

BUSY_TIMEOUT_MS = 10_000
PRAGMAS = (
    "journal_mode=WAL",
    "foreign_keys=ON",
    "synchronous=NORMAL",
    "cache_size=-65536",  # 64 MiB of pages: the hot indexes stay in memory
    "wal_autocheckpoint=0",  # the checkpointer thread does it
)
CHECKPOINT_AT_BYTES = 4 * 1024 * 1024  # SQLite's own default threshold: 1000 4-KiB pages
_CHECKPOINT_FRAMES = CHECKPOINT_AT_BYTES // 4096

log = logging.getLogger("colearn.db")

T = TypeVar("T")


async def on_thread(conn: aiosqlite.Connection, fn: Callable[..., T], *args: Any) -> T:
    """Run ``fn(sqlite3_connection, *args)`` on the connection's own thread.

    aiosqlite hops to its thread and back for every statement, and under load each hop
    waits for the busy event loop; a unit of work done in one hop holds the write lock
    for a fraction of the time. (``_execute`` is how aiosqlite itself runs work there.)
    """
    return await conn._execute(fn, conn._conn, *args)


class GroupConnection(sqlite3.Connection):
    """A connection group commits run on. While a group runs, ``at_end`` collects work
    to do once, just before it commits (see ``at_group_end``)."""

    at_end: dict[Hashable, Callable[[sqlite3.Connection], object]] | None = None


def at_group_end(
    conn: sqlite3.Connection, key: Hashable, fn: Callable[[sqlite3.Connection], object]
) -> None:
    """``fn(conn)`` once at the end of the group commit under way on ``conn`` (the last
    ``fn`` given for ``key`` wins), or now if no group runs there. For an event that tells
    the state of something, e.g. an occurrence's seats: twenty bookings of one meeting
    committed together announce its seats once, as committed."""
    at_end = getattr(conn, "at_end", None)
    if at_end is None:
        fn(conn)
    else:
        at_end[key] = fn


MAX_GROUP = 100  # at ~0.1 ms a write, the longest the event loop waits for a group
Pending = tuple[Callable[..., Any], tuple[Any, ...], "asyncio.Future[Any]"]


def _run_group(conn: GroupConnection, batch: list[Pending]) -> list[tuple[bool, Any]]:
    conn.at_end = {}
    conn.execute("BEGIN IMMEDIATE")
    try:
        outcomes = _run_unguarded(conn, batch)
        if outcomes is None:
            # a write failed after changing rows: undo the lot, then redo each write in a
            # savepoint of its own, so only the failing one is lost
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            conn.at_end = {}
            conn.execute("BEGIN IMMEDIATE")
            outcomes = _run_guarded(conn, batch)
        for fn in conn.at_end.values():
            fn(conn)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    finally:
        conn.at_end = None
    return outcomes


def _run_unguarded(conn: sqlite3.Connection, batch: list[Pending]) -> list[tuple[bool, Any]] | None:
    """Each write with no savepoint around it (a savepoint copies every page a write
    touches, about a fifth of a booking's cost). A write that raises having changed no row
    (a refusal) needs nothing undone; None if one raised after changing rows."""
    outcomes: list[tuple[bool, Any]] = []
    for fn, args, _ in batch:
        before = conn.total_changes
        try:
            outcomes.append((True, fn(conn, *args)))
        except Exception as exc:
            if conn.total_changes != before or not conn.in_transaction:
                return None
            outcomes.append((False, exc))
    return outcomes


def _run_guarded(conn: sqlite3.Connection, batch: list[Pending]) -> list[tuple[bool, Any]]:
    outcomes: list[tuple[bool, Any]] = []
    for fn, args, _ in batch:
        conn.execute("SAVEPOINT one_write")
        try:
            outcomes.append((True, fn(conn, *args)))
        except Exception as exc:
            conn.execute("ROLLBACK TO one_write")
            outcomes.append((False, exc))
        conn.execute("RELEASE one_write")
    return outcomes


async def _open(path: Path) -> aiosqlite.Connection:
    conn = await aiosqlite.connect(path, isolation_level=None, factory=GroupConnection)
    conn.row_factory = sqlite3.Row
    for pragma in (*PRAGMAS, f"busy_timeout={BUSY_TIMEOUT_MS}"):
        # read each answer out: an unfinished statement holds a read snapshot, and
        # while one is held the WAL cannot start over from its beginning
        async with conn.execute(f"PRAGMA {pragma}") as cursor:
            await cursor.fetchall()
    return conn


def _open_inline(path: Path) -> GroupConnection:
    """The connection group commits run on, in the event loop's own thread: it never
    waits for the lock (busy_timeout 0), so it can never stall the loop."""
    conn = sqlite3.connect(
        path, isolation_level=None, check_same_thread=False, factory=GroupConnection
    )
    conn.row_factory = sqlite3.Row
    for pragma in (*PRAGMAS, "busy_timeout=0"):
        conn.execute(f"PRAGMA {pragma}").fetchall()
    return conn


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    return getattr(exc, "sqlite_errorcode", None) in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


class _Checkpointer:
    """Copies the WAL into the database file on a thread of its own once it has grown,
    so no commit pays for it; SQLite does the copying without holding Python's GIL.

    When: the WAL file's size says how many frames it holds only until the first
    checkpoint, because after one SQLite writes the file again from its start and the
    size stays. From then on, each checkpoint reports how many frames it found; divided
    by the commits since the one before, that says after how many commits the WAL holds
    ``CHECKPOINT_AT_BYTES`` again. (Going by the size alone ran one after every commit:
    each cost a thread hop and an fsync, about 0.5 ms, for a few dozen frames.)

    It holds this process's write lock meanwhile: the WAL only starts over from its
    beginning when a checkpoint has copied every frame, which a stream of commits landing
    during the copy would prevent for ever. The event loop keeps serving; writes queue and
    then commit as one larger group.
    """

    def __init__(self, path: Path, write_lock: asyncio.Lock) -> None:
        self._wal = Path(f"{path}-wal")
        self._lock = write_lock
        self._conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._running: asyncio.Task[None] | None = None
        self._commits = 0  # since the last checkpoint
        self._commits_due: int | None = None  # None: go by the WAL file's size
        self.done = 0

    def after_commit(self) -> None:
        self._commits += 1
        if self._running is not None and not self._running.done():
            return
        if self._commits_due is None:
            try:
                size = os.stat(self._wal).st_size
            except FileNotFoundError:
                return
            if size < CHECKPOINT_AT_BYTES:
                return
        elif self._commits < self._commits_due:
            return
        self._running = asyncio.create_task(self._checkpoint(), name="colearn-checkpoint")

    async def _checkpoint(self) -> None:
        async with self._lock:  # no commit of ours lands meanwhile
            frames = await asyncio.to_thread(self._copy)
        if frames is not None:
            per_commit = max(frames, 1) / max(self._commits, 1)
            # every commit writes at least one frame, so never more commits than frames
            self._commits_due = max(
                1, min(_CHECKPOINT_FRAMES, round(_CHECKPOINT_FRAMES / per_commit))
            )
            self._commits = 0
            self.done += 1

    def _copy(self) -> int | None:
        """Frames the WAL held, or None if the checkpoint failed."""
        try:
            row = self._conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()[0]
        except sqlite3.Error as exc:  # the next commit tries again
            log.warning("WAL checkpoint failed: %s", exc)
            return None
        return int(row[1])

    async def aclose(self) -> None:
        if self._running is not None:
            await self._running
        self._conn.close()


def _fetchone(conn: sqlite3.Connection, sql: str, params: tuple[Any, ...]) -> sqlite3.Row | None:
    cursor = conn.execute(sql, params)
    try:
        return cursor.fetchone()
    finally:
        cursor.close()  # ends the statement, and with it the read transaction


def _fetchall(conn: sqlite3.Connection, sql: str, params: tuple[Any, ...]) -> list[sqlite3.Row]:
    return conn.execute(sql, params).fetchall()


class Database:
    """An open Co~Learn database: ``await Database.open(path)``, then ``await db.aclose()``."""

    def __init__(
        self,
        path: Path,
        writer: aiosqlite.Connection,
        reader: aiosqlite.Connection,
        inline: GroupConnection,
    ):
        self.path = path
        self._writer = writer
        self._reader = reader
        self._inline = inline
        self._write_lock = asyncio.Lock()
        self._checkpointer = _Checkpointer(path, self._write_lock)
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
        return cls(path, writer, reader, _open_inline(path))

    async def aclose(self) -> None:
        if self._flusher is not None:
            await self._flusher
        await self._checkpointer.aclose()
        self._inline.close()
        await self._reader.close()
        await self._writer.close()

    def _committed(self) -> None:
        self._checkpointer.after_commit()
        for listener in self._commit_listeners:
            listener()

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
                self._committed()

    async def write(self, fn: Callable[..., T], *args: Any) -> T:
        """``fn(conn, *args)``, all or nothing; ``fn`` must be quick (no waiting on I/O).

        Writes that arrive together are committed together (group commit): one COMMIT for
        the lot. A write that raises before changing anything (a refusal) costs the others
        nothing; one that raises after changing rows has the whole group undone and redone
        with each write in a SAVEPOINT of its own, so it alone is lost. ``fn`` may therefore
        run twice: it must change nothing but the database.

        The group runs right on the event loop's thread: a write is tens of microseconds,
        less than a hop to another thread and back would cost. Only when another process
        holds the write lock does the group wait for it, on the writer's thread.
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
                    try:
                        outcomes = _run_group(self._inline, batch)
                    except sqlite3.OperationalError as exc:
                        if not _is_busy(exc):
                            raise
                        # another process is writing: wait for it off the loop
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
            self._committed()

    async def read(self, fn: Callable[..., T], *args: Any) -> T:
        """``fn(conn, *args)`` on the reader's thread, in a single hop."""
        return await on_thread(self._reader, fn, *args)

    # Each read runs start to finish in one hop. A statement left open across hops (as
    # aiosqlite's cursors do) keeps the shared reader in a read transaction, and every
    # read interleaved meanwhile would see that older snapshot instead of the last commit.
    async def fetchone(self, sql: str, params: Iterable[Any] = ()) -> sqlite3.Row | None:
        return await self.read(_fetchone, sql, tuple(params))

    async def fetchall(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        return await self.read(_fetchall, sql, tuple(params))
