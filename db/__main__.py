"""``python -m db``: the database's own commands.

python -m db migrate [--db URL]   create or upgrade the database (COLEARN_DB by default)
python -m db copy SOURCE TARGET   copy every row into an empty database, either way
                                  between SQLite and PostgreSQL
"""

from __future__ import annotations

import argparse
import sys
import time

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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m db", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    migrating = commands.add_parser("migrate", help="create or upgrade the database")
    migrating.add_argument("--db", help=f"file path or postgresql:// URL (default: {VARIABLE})")
    copying = commands.add_parser("copy", help="copy every row into an empty database")
    copying.add_argument("source", help="file path or postgresql:// URL to copy from")
    copying.add_argument("target", help="file path or postgresql:// URL of an empty database")
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
        return _migrate(target)
    except (CopyRefused, MigrationError, DbError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
