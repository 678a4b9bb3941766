"""``python -m db``: the database's own commands.

python -m db migrate [--db URL]   create or upgrade the database (COLEARN_DB by default)
python -m db copy SOURCE TARGET   copy every row into an empty database, either way
                                  between SQLite and PostgreSQL
python -m db backup DEST [--db URL]    an online, consistent backup into the file DEST
                                       (SQLite's backup API; pg_dump on PostgreSQL)
python -m db restore SRC [--db URL]    load a backup into a new, empty database
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from db.backup import BackupError, backup, restore
from db.copy import CopyRefused, copy
from db.errors import DbError
from db.migrate import MigrationError, migrate
from db.url import VARIABLE, DbUrl, parse


def _migrate(url: DbUrl) -> int:
    applied = migrate(url)
    if applied:
        names = ", ".join(f"{m.version:04d}_{m.name}" for m in applied)
        print(f"database {url}: applied {names}")
    else:
        print(f"database {url}: up to date")
    return 0


class _Progress:
    """One line per table, rewritten in place on a terminal, with rows per second."""

    def __init__(self) -> None:
        self._started = time.monotonic()
        self._tty = sys.stdout.isatty()
        self._table = ""

    def __call__(self, table: str, done: int, total: int) -> None:
        if table != self._table and self._table and self._tty:
            print()
        self._table = table
        rate = done / max(time.monotonic() - self._started, 1e-3)
        line = f"  {table:<20} {done:>9,} of {total:,} rows  ({rate:,.0f} rows/s)"
        if self._tty:
            print("\r" + line, end="", flush=True)
        elif done == total:
            print(line, flush=True)

    def close(self) -> None:
        if self._tty and self._table:
            print()


def _copy(source_text: str, target_text: str) -> int:
    source, target = parse(source_text), parse(target_text)
    print(f"copying {source} -> {target}")
    progress = _Progress()
    try:
        counts = copy(source, target, progress)
    finally:
        progress.close()
    print("verified row counts:")
    for entry in counts:
        print(f"  {entry.table:<20} {entry.target:>9,} = {entry.source:,}")
    print(f"done: {sum(c.target for c in counts):,} rows in {len(counts)} tables")
    return 0


def _backup(source: DbUrl, dest: str) -> int:
    started = time.monotonic()
    print(f"backing up {source} -> {dest}", flush=True)
    backup(source, Path(dest))
    size = Path(dest).stat().st_size
    print(f"done: {size:,} bytes in {time.monotonic() - started:.1f} s", flush=True)
    return 0


def _restore(src: str, target: DbUrl) -> int:
    print(f"restoring {src} -> {target}", flush=True)
    counts = restore(Path(src), target)
    for table, n in counts.items():
        print(f"  {table:<20} {n:>9,} rows")
    print(f"done: {sum(counts.values()):,} rows in {len(counts)} tables", flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m db", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    migrating = commands.add_parser("migrate", help="create or upgrade the database")
    migrating.add_argument("--db", help=f"file path or postgresql:// URL (default: {VARIABLE})")
    copying = commands.add_parser("copy", help="copy every row into an empty database")
    copying.add_argument("source", help="file path or postgresql:// URL to copy from")
    copying.add_argument("target", help="file path or postgresql:// URL of an empty database")
    backing = commands.add_parser("backup", help="an online, consistent backup into a file")
    backing.add_argument("dest", help="the backup file to write (must not exist)")
    backing.add_argument("--db", help=f"the database to back up (default: {VARIABLE})")
    restoring = commands.add_parser("restore", help="load a backup into a new, empty database")
    restoring.add_argument("src", help="a file python -m db backup wrote")
    restoring.add_argument("--db", help=f"the new database (default: {VARIABLE})")
    args = parser.parse_args(argv)
    try:
        if args.command == "copy":
            return _copy(args.source, args.target)
        from colearn.config import ConfigError, db_url

        try:
            target = parse(args.db) if args.db is not None else db_url()
        except ConfigError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        if args.command == "backup":
            return _backup(target, args.dest)
        if args.command == "restore":
            return _restore(args.src, target)
        return _migrate(target)
    except (BackupError, CopyRefused, MigrationError, DbError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
