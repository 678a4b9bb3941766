"""Online backups and restores: ``python -m db backup DEST``, ``python -m db restore SRC``.

- SQLite: SQLite's online backup API copies the database page by page from one read
  snapshot, while the API, the agent and the mail worker go on writing (they never wait
  for it; it sees none of their later commits). The backup is an ordinary SQLite file.
- PostgreSQL: ``pg_dump`` (custom format), which also reads from one snapshot while
  others write; ``pg_restore`` loads it. Both are PostgreSQL's own tools, of the newest
  version installed (``/usr/lib/postgresql/*/bin``, else the PATH).

A restore goes into a new database only (a SQLite file that does not exist yet or is empty,
a PostgreSQL database with no tables), never over one in use; afterwards the restored
database is checked (SQLite's ``integrity_check``) and its row counts are reported.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path

import psycopg

from db.copy import TABLES
from db.migrate import current_version_of
from db.url import POSTGRESQL, DbUrl

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
PAGES_PER_STEP = 1024  # 4 MiB a step: writers get the database between steps


class BackupError(Exception):
    pass


def _pg_tool(name: str) -> str:
    for directory in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (directory / name).exists():
            return str(directory / name)
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"PostgreSQL's {name} is not installed (Debian: postgresql-client)")
    return found


def backup(source: DbUrl, dest: Path, progress: Callable[[int, int], None] | None = None) -> None:
    """Write a consistent copy of ``source`` to the file ``dest`` (which must not exist)."""
    if dest.exists():
        raise BackupError(f"{dest} exists already; give a new file name")
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(dest.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        if source.dialect == POSTGRESQL:
            _run([_pg_tool("pg_dump"), "--format=custom", "--no-owner", "-f", str(partial),
                  "--dbname", source.dsn])  # fmt: skip
        else:
            assert source.path is not None
            if not source.path.exists():
                raise BackupError(f"there is no database at {source.path}")
            src = sqlite3.connect(source.path)
            dst = sqlite3.connect(partial)
            try:
                src.execute("PRAGMA busy_timeout=10000")

                def step(status: int, remaining: int, total: int) -> None:
                    if progress is not None:
                        progress(total - remaining, total)

                src.backup(dst, pages=PAGES_PER_STEP, progress=step)
                _check_sqlite(dst)
            finally:
                dst.close()
                src.close()
        partial.rename(dest)  # a backup is there whole, or not at all
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def restore(src: Path, target: DbUrl) -> dict[str, int]:
    """Load the backup file ``src`` into the new database ``target``; its row counts."""
    if not src.is_file():
        raise BackupError(f"there is no backup at {src}")
    with src.open("rb") as f:
        head = f.read(16)
    if target.dialect == POSTGRESQL:
        if not head.startswith(PG_DUMP_MAGIC):
            raise BackupError(f"{src} is not a PostgreSQL backup (python -m db backup made?)")
        if current_version_of(target) != 0 or _pg_tables(target):
            raise BackupError("the target database is not empty; restore into a new one")
        _run([_pg_tool("pg_restore"), "--no-owner", "--exit-on-error", "--single-transaction",
              "--dbname", target.dsn, str(src)])  # fmt: skip
    else:
        if not head.startswith(SQLITE_MAGIC):
            raise BackupError(f"{src} is not a SQLite backup (python -m db backup made?)")
        assert target.path is not None
        if target.path.exists() and target.path.stat().st_size > 0:
            raise BackupError(f"{target.path} exists already; restore into a new file")
        target.path.parent.mkdir(parents=True, exist_ok=True)
        source = sqlite3.connect(src)
        dst = sqlite3.connect(target.path)
        try:
            source.backup(dst)
            dst.execute("PRAGMA journal_mode=WAL").fetchall()
            _check_sqlite(dst)
        finally:
            dst.close()
            source.close()
    return row_counts(target)


def row_counts(url: DbUrl) -> dict[str, int]:
    if url.dialect == POSTGRESQL:
        with psycopg.connect(url.dsn) as conn:
            return {t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in TABLES}  # type: ignore[index]
    assert url.path is not None
    conn = sqlite3.connect(url.path)
    try:
        return {t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in TABLES}
    finally:
        conn.close()


def integrity_problems(url: DbUrl) -> list[str]:
    """[] when the database is sound: SQLite's ``integrity_check`` and
    ``foreign_key_check``; on PostgreSQL ``pg_amcheck`` over every table and index (its
    ``amcheck`` extension installed for the check, and removed again if it was not there)."""
    if url.dialect == POSTGRESQL:
        with psycopg.connect(url.dsn, autocommit=True) as conn:
            had = conn.execute("SELECT 1 FROM pg_extension WHERE extname = 'amcheck'").fetchone()
        done = subprocess.run(
            [_pg_tool("pg_amcheck"), "--install-missing", "--heapallindexed", url.dsn],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        if had is None:
            with psycopg.connect(url.dsn, autocommit=True) as conn:
                conn.execute("DROP EXTENSION IF EXISTS amcheck")
        if done.returncode == 0:
            return []
        return (done.stdout + done.stderr).strip().splitlines()[:50] or ["pg_amcheck failed"]
    assert url.path is not None
    conn = sqlite3.connect(url.path)
    try:
        found = [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall() if r[0] != "ok"]
        found += [str(tuple(r)) for r in conn.execute("PRAGMA foreign_key_check").fetchall()]
        return found
    finally:
        conn.close()


def _check_sqlite(conn: sqlite3.Connection) -> None:
    result = conn.execute("PRAGMA integrity_check").fetchall()
    if result != [("ok",)]:
        raise BackupError(f"the copy does not pass SQLite's integrity check: {result[:5]}")


def _pg_tables(url: DbUrl) -> list[str]:
    with psycopg.connect(url.dsn) as conn:
        rows = conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
        ).fetchall()
    return [r[0] for r in rows]


def _run(argv: list[str]) -> None:
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{Path(argv[0]).name} failed: {done.stderr.strip()[-2000:]}")
