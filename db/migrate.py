"""Numbered migrations, applied in order, each with its record in one transaction.

Files in ``db/migrations`` are named ``NNNN_description.sql`` (both engines) or
``NNNN_description.sqlite.sql`` / ``NNNN_description.postgres.sql`` where the SQL must
differ. ``db/migrations/full/NNNN.postgres.sql`` is PostgreSQL's whole schema at version
NNNN: a new PostgreSQL database starts from it (and records 1..NNNN as applied), then takes
the later migrations. An applied migration is never edited: a change is a new file.

Two processes starting at once do not race: SQLite takes a lock file beside the database,
PostgreSQL an advisory lock. A database whose schema is newer than the code is refused.
"""

from __future__ import annotations

import fcntl
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from db.errors import Unavailable
from db.url import POSTGRESQL, SQLITE, DbUrl, parse

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+?)(?:\.(sqlite|postgres))?\.sql$")
_FULL = re.compile(r"^(\d{4})\.(sqlite|postgres)\.sql$")
_SUFFIX = {SQLITE: "sqlite", POSTGRESQL: "postgres"}
MIGRATION_LOCK = 0x636F6C6561726E  # "colearn": the advisory lock key for migrating


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


class MigrationError(Exception):
    pass


def available(directory: Path = MIGRATIONS_DIR, dialect: str = SQLITE) -> list[Migration]:
    """The migrations ``dialect`` runs, by version (a dialect's own file wins)."""
    chosen: dict[int, tuple[str, Path, bool]] = {}
    for path in sorted(directory.glob("*.sql")):
        match = _NAME.match(path.name)
        if not match:
            raise MigrationError(
                f"migration file {path.name} is not named NNNN_description[.sqlite|.postgres].sql"
            )
        version, name, only = int(match[1]), match[2], match[3]
        if only is not None and only != _SUFFIX[dialect]:
            continue
        previous = chosen.get(version)
        if previous is not None and previous[2] == (only is not None):
            raise MigrationError(f"two migrations numbered {version:04d}: {path.name}")
        if previous is None or only is not None:
            chosen[version] = (name, path, only is not None)
    start = full_schema(directory, dialect)[0] if full_schema(directory, dialect) else 0
    versions = sorted(chosen)
    expected = list(range(start + 1, start + 1 + len([v for v in versions if v > start])))
    if [v for v in versions if v > start] != expected:
        raise MigrationError(
            f"{dialect} migrations must be numbered without gaps after {start}, found {versions}"
        )
    if start == 0 and versions and versions[0] != 1:
        raise MigrationError(f"{dialect} migrations must start at 0001, found {versions}")
    return [Migration(v, chosen[v][0], chosen[v][1].read_text(encoding="utf-8")) for v in versions]


def full_schema(directory: Path, dialect: str) -> tuple[int, str] | None:
    """The newest whole schema ``dialect`` can start a new database from, if any."""
    found = [
        (int(m[1]), p)
        for p in (directory / "full").glob("*.sql")
        if (m := _FULL.match(p.name)) and m[2] == _SUFFIX[dialect]
    ]
    if not found:
        return None
    version, path = max(found)
    return version, path.read_text(encoding="utf-8")


def newest(directory: Path = MIGRATIONS_DIR, dialect: str = SQLITE) -> int:
    migrations = available(directory, dialect)
    full = full_schema(directory, dialect)
    return max([m.version for m in migrations] + [full[0] if full else 0])


def migrate(target: str | Path | DbUrl, directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    """Bring the database up to the newest schema; returns what was applied."""
    url = target if isinstance(target, DbUrl) else parse(target)
    if url.dialect == POSTGRESQL:
        from db.migrate_postgres import migrate_postgres

        return migrate_postgres(url, directory)
    assert url.path is not None
    path = url.path
    path.parent.mkdir(parents=True, exist_ok=True)
    # The API and the agent may start together: one migrates, the other waits and finds
    # nothing left to do.
    with open(path.with_name(path.name + ".migrate-lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            return _migrate_sqlite(path, directory)
        except sqlite3.Error as exc:
            raise Unavailable(f"cannot use the SQLite database {path}: {exc}") from exc


def plan(done: set[int], directory: Path, dialect: str, where: str) -> list[Migration]:
    """What is left to apply; refuses a database newer than the code."""
    top = newest(directory, dialect)
    if done and max(done) > top:
        raise MigrationError(
            f"database {where} is at schema version {max(done)}, newer than this code "
            f"knows ({top}); upgrade Co~Learn before using this database"
        )
    return [m for m in available(directory, dialect) if m.version not in done]


def current_version_of(url: DbUrl) -> int:
    """The schema version the database is at (0 for an empty one)."""
    if url.dialect == POSTGRESQL:
        from db.migrate_postgres import applied_postgres

        versions = applied_postgres(url)
    else:
        assert url.path is not None
        conn = sqlite3.connect(url.path)
        try:
            versions = applied_versions(conn)
        finally:
            conn.close()
    return max(versions, default=0)


_TABLE = (
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INTEGER PRIMARY KEY,"
    " name TEXT NOT NULL,"
    " applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')))"
)


def applied_versions(conn: sqlite3.Connection) -> list[int]:
    conn.execute(_TABLE)
    return [row[0] for row in conn.execute("SELECT version FROM schema_migrations ORDER BY 1")]


def current_version(conn: sqlite3.Connection) -> int:
    versions = applied_versions(conn)
    return versions[-1] if versions else 0


def _migrate_sqlite(path: Path, directory: Path) -> list[Migration]:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA busy_timeout=10000")
        todo = plan(set(applied_versions(conn)), directory, SQLITE, str(path))
        for migration in todo:
            _apply_sqlite(conn, migration)
        return todo
    finally:
        conn.close()


def _apply_sqlite(conn: sqlite3.Connection, migration: Migration) -> None:
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
