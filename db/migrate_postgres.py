"""Migrations on PostgreSQL (see db/migrate.py): under an advisory lock, each in one
transaction with its record; a new database starts from the newest whole schema."""

from __future__ import annotations

from pathlib import Path

import psycopg

from db.errors import Unavailable
from db.migrate import MIGRATION_LOCK, Migration, MigrationError, full_schema, plan
from db.url import POSTGRESQL, DbUrl

_TABLE = (
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INTEGER PRIMARY KEY,"
    " name TEXT NOT NULL,"
    " applied_at TEXT NOT NULL"
    " DEFAULT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'))"
)


def _connect(url: DbUrl) -> psycopg.Connection:
    try:
        return psycopg.connect(url.dsn, autocommit=True, connect_timeout=10)
    except psycopg.Error as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise Unavailable(f"cannot reach PostgreSQL at {url}: {first}") from exc


def applied_postgres(url: DbUrl) -> list[int]:
    with _connect(url) as conn:
        exists = conn.execute("SELECT to_regclass('schema_migrations') IS NOT NULL").fetchone()
        if not exists or not exists[0]:
            return []
        return [row[0] for row in conn.execute("SELECT version FROM schema_migrations")]


def migrate_postgres(url: DbUrl, directory: Path) -> list[Migration]:
    with _connect(url) as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK,))
        try:
            conn.execute(_TABLE)
            done = {row[0] for row in conn.execute("SELECT version FROM schema_migrations")}
            applied: list[Migration] = []
            full = full_schema(directory, POSTGRESQL)
            if not done and full is not None:
                version, sql = full
                migration = Migration(version, "full_schema", sql)
                _apply(conn, migration, record=range(1, version + 1))
                applied.append(migration)
                done = set(range(1, version + 1))
            for migration in plan(done, directory, POSTGRESQL, str(url)):
                _apply(conn, migration, record=[migration.version])
                applied.append(migration)
            return applied
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK,))


def _apply(conn: psycopg.Connection, migration: Migration, record: range | list[int]) -> None:
    try:
        with conn.transaction():
            conn.execute(migration.sql.encode())  # no parameters: run as a script
            with conn.cursor() as cursor:
                cursor.executemany(
                    "INSERT INTO schema_migrations (version, name) VALUES (%s, %s)",
                    [(v, migration.name) for v in record],
                )
    except psycopg.Error as exc:
        raise MigrationError(
            f"migration {migration.version:04d}_{migration.name} failed: {exc}"
        ) from exc
