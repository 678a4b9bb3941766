"""Numbered SQL migrations, applied in order, each with its record in one transaction.

Files in ``db/migrations`` are named ``NNNN_description.sql``. An applied migration is
never edited: a change to the schema is a new file with the next number.
"""

from __future__ import annotations

import fcntl
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


class MigrationError(Exception):
    pass


def available(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    found: list[Migration] = []
    for path in sorted(directory.glob("*.sql")):
        match = _NAME.match(path.name)
        if not match:
            raise MigrationError(f"migration file {path.name} is not named NNNN_description.sql")
        found.append(Migration(int(match[1]), match[2], path.read_text(encoding="utf-8")))
    versions = [m.version for m in found]
    if versions != list(range(1, len(found) + 1)):
        raise MigrationError(f"migrations must be numbered 1..N without gaps, found {versions}")
    return found


def _ensure_table(conn: sqlite3.Connection) -> None:
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY,"
        " name TEXT NOT NULL,"
        " applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')))"
    )


def applied_versions(conn: sqlite3.Connection) -> list[int]:
    _ensure_table(conn)
    return [row[0] for row in conn.execute("SELECT version FROM schema_migrations ORDER BY 1")]


def current_version(conn: sqlite3.Connection) -> int:
    versions = applied_versions(conn)
    return versions[-1] if versions else 0


def migrate(path: Path, directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    """Bring the database at ``path`` up to the newest schema; returns what was applied."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # The API and the agent may start together: one migrates, the other waits and finds
    # nothing left to do.
    with open(path.with_name(path.name + ".migrate-lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _migrate_locked(path, directory)


def _migrate_locked(path: Path, directory: Path) -> list[Migration]:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA busy_timeout=10000")
        done = set(applied_versions(conn))
        migrations = available(directory)
        newest = max((m.version for m in migrations), default=0)
        if done and max(done) > newest:
            raise MigrationError(
                f"database {path} is at schema version {max(done)}, newer than this code "
                f"knows ({newest}); upgrade Co~Learn before using this database"
            )
        applied: list[Migration] = []
        for migration in migrations:
            if migration.version in done:
                continue
            _apply(conn, migration)
            applied.append(migration)
        return applied
    finally:
        conn.close()


def _apply(conn: sqlite3.Connection, migration: Migration) -> None:
    # executescript runs statements as written, so the transaction is spelled out:
    # the schema change and its record commit together or not at all.
    script = (
        "BEGIN IMMEDIATE;\n"
        f"{migration.sql}\n;\n"
        "INSERT INTO schema_migrations (version, name) "
        f"VALUES ({migration.version}, '{migration.name}');\n"
        "COMMIT;"
    )
    try:
        conn.executescript(script)
    except sqlite3.Error as exc:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise MigrationError(
            f"migration {migration.version:04d}_{migration.name} failed: {exc}"
        ) from exc
