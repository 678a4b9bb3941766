"""Each process checks its database at start: a clear message naming COLEARN_DB (password
masked) instead of a traceback, or a failure in every request later."""

from __future__ import annotations

from pathlib import Path

from db import DbError, MigrationError, migrate
from db.url import DbUrl, parse


def database_problem(target: str | Path | DbUrl) -> str | None:
    """None when the database can be reached and is migrated; otherwise what is wrong."""
    try:
        url = target if isinstance(target, DbUrl) else parse(target)
        migrate(url)
    except (DbError, MigrationError, OSError) as exc:
        shown = parse_safe(target) if isinstance(target, str) else str(target)
        return f"COLEARN_DB={shown}: {exc}"
    return None


def parse_safe(text: str) -> str:
    try:
        return str(parse(text))
    except DbError:
        return "(unusable)"
