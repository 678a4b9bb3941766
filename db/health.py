"""Queries that tell whether the database is usable."""

from __future__ import annotations

from db.conn import Conn
from db.rows import Source, run


def _version(conn: Conn) -> int:
    return int(conn.value("SELECT COALESCE(MAX(version), 0) AS version FROM schema_migrations"))


async def schema_version(source: Source) -> int:
    return await run(source, _version)
