"""Queries that tell whether the database is usable."""

from __future__ import annotations

from db.database import Database


async def schema_version(db: Database) -> int:
    row = await db.fetchone("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")
    return int(row[0]) if row else 0
