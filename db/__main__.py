"""``python -m db migrate``: create or upgrade the database named by COLEARN_DB."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from colearn.config import db_path
from db.migrate import MigrationError, migrate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m db", description=__doc__)
    parser.add_argument("command", choices=["migrate"])
    parser.add_argument("--db", help="database file (default: COLEARN_DB or var/colearn.db)")
    args = parser.parse_args(argv)
    path = db_path() if args.db is None else Path(args.db)
    try:
        applied = migrate(path)
    except MigrationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if applied:
        names = ", ".join(f"{m.version:04d}_{m.name}" for m in applied)
        print(f"database {path}: applied {names}")
    else:
        print(f"database {path}: up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
