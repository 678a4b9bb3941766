"""Look at (or put) rows straight in the database under test, on either engine, through the
data layer's one interface: for tests that check what was stored, not what an API says."""

from __future__ import annotations

from typing import Any

from db import Database
from db.conn import Conn


async def rows(db_url: str, sql: str, **params: Any) -> list[dict[str, Any]]:
    """The rows a statement returns (a SELECT, or a change with RETURNING), committed."""

    def unit(conn: Conn) -> list[dict[str, Any]]:
        return [dict(row) for row in conn.all(sql, params)]

    db = await Database.open(db_url, run_migrations=False)
    try:
        return await db.write(unit)
    finally:
        await db.aclose()


async def fill_events(db_url: str, count: int, topic: str, kind: str = "filler") -> None:
    """``count`` events on ``topic`` in one statement (as other people's activity)."""
    await execute(
        db_url,
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :count)"
        " INSERT INTO events (topic, kind, payload) SELECT :topic, :kind, '{}' FROM n",
        count=count,
        topic=topic,
        kind=kind,
    )


async def event(db_url: str, topic: str, kind: str) -> int:
    (row,) = await rows(
        db_url,
        "INSERT INTO events (topic, kind) VALUES (:topic, :kind) RETURNING id",
        topic=topic,
        kind=kind,
    )
    return int(row["id"])


async def execute(db_url: str, sql: str, **params: Any) -> int:
    """Run one statement in a transaction of its own; how many rows it changed."""

    def write(conn: Conn) -> int:
        return conn.run(sql, params)

    db = await Database.open(db_url, run_migrations=False)
    try:
        return await db.write(write)
    finally:
        await db.aclose()
