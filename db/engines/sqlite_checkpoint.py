"""SQLite's checkpoints (copying the WAL back into the database file), done by a thread of
their own so that no commit pays for them (db/engines/sqlite.py)."""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
from pathlib import Path

log = logging.getLogger("colearn.db")

CHECKPOINT_AT_BYTES = 4 * 1024 * 1024  # SQLite's own default threshold: 1000 4-KiB pages
_CHECKPOINT_FRAMES = CHECKPOINT_AT_BYTES // 4096


class Checkpointer:
    """Copies the WAL into the database file on a thread of its own once it has grown,
    so no commit pays for it; SQLite does the copying without holding Python's GIL.

    When: the WAL file's size says how many frames it holds only until the first
    checkpoint, because after one SQLite writes the file again from its start and the size
    stays. From then on, each checkpoint reports how many frames it found; divided by the
    commits since the one before, that says after how many commits the WAL holds
    ``CHECKPOINT_AT_BYTES`` again.

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
