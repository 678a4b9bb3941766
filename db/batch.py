"""Group commit: many small writes in one transaction; one failing write spoils no other.

A commit costs far more than an insert, so a writer that has several writes waiting commits
them together. Should one of them fail, the transaction is rolled back and each write is
retried in a transaction of its own, so only the failing one is lost. (Savepoints around each
write would cost two more round trips to SQLite's thread per write, on every batch.)
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import aiosqlite

from db.database import Database

WriteOp = Callable[[aiosqlite.Connection], Awaitable[Any]]


async def commit_each(db: Database, ops: Sequence[WriteOp]) -> list[Any]:
    """Run ``ops`` in order in one transaction; returns each one's result, or the exception
    it raised (its changes undone, the others' kept)."""
    if len(ops) > 1:
        try:
            async with db.transaction() as conn:
                return [await op(conn) for op in ops]
        except Exception:
            pass  # retried one by one below, so the others survive the bad one
    return [await _alone(db, op) for op in ops]


async def _alone(db: Database, op: WriteOp) -> Any:
    try:
        async with db.transaction() as conn:
            return await op(conn)
    except Exception as exc:
        return exc
