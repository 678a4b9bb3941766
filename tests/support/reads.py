"""How much a read really read: to show a query goes through its index, on either engine.

SQLite: a progress handler on the reader counts virtual-machine steps (every 100); a scan
of 50,000 rows takes some 1,500. PostgreSQL: each SELECT run meanwhile is run again under
``EXPLAIN ANALYZE`` and the rows its plan nodes touched (kept or filtered out) are added up.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from db import Database
from db.conn import Conn
from db.engines.postgres import PgConn


@dataclass
class Reads:
    count: int = 0

    def __call__(self) -> int:
        return self.count


def _touched(node: dict[str, Any]) -> int:
    own = node.get("Actual Rows", 0) + node.get("Rows Removed by Filter", 0)
    own *= max(node.get("Actual Loops", 1), 1)
    return own + sum(_touched(child) for child in node.get("Plans", []))


@asynccontextmanager
async def reads_counted(db: Database, engine: str) -> AsyncIterator[Reads]:
    reads = Reads()
    if engine == "sqlite":

        def tick() -> int:
            reads.count += 1
            return 0

        def attach(conn: Conn, handler: Any) -> None:
            conn.raw.set_progress_handler(handler, 100)

        await db.read(attach, tick)
        try:
            yield reads
        finally:
            await db.read(attach, None)
        return

    seen: list[tuple[str, dict[str, Any]]] = []
    original = PgConn.execute

    def recording(self: PgConn, sql: str, params: Any = None, /, **named: Any) -> Any:
        if sql.lstrip().upper().startswith("SELECT"):
            seen.append((sql, {**(params or {}), **named}))
        return original(self, sql, params, **named)

    await db.write(lambda conn: conn.execute("ANALYZE events"))
    PgConn.execute = recording  # type: ignore[method-assign]
    try:
        yield reads
    finally:
        PgConn.execute = original  # type: ignore[method-assign]

    def explain(conn: Conn) -> int:
        total = 0
        for sql, params in seen:
            plan = conn.value("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
            plan = json.loads(plan) if isinstance(plan, str) else plan
            total += _touched(plan[0]["Plan"])
        return total

    reads.count = await db.read(explain)
