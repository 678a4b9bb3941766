"""``python -m api admin check``: is the database sound? Reads only; never migrates."""

from __future__ import annotations

import asyncio
import sys
from typing import Any

import orjson

from db import Database, admin
from db.copy import TABLES
from db.errors import DbError
from db.migrate import MigrationError, current_version_of, newest
from db.url import SQLITE, DbUrl


def _report(url: DbUrl) -> tuple[dict[str, Any], list[str]]:
    """What is known about the database and what is wrong with it (blocking)."""
    found: dict[str, Any] = {"database": str(url), "engine": url.dialect}
    if url.dialect == SQLITE and (url.path is None or not url.path.exists()):
        return found, [f"there is no database file at {url.path} (python -m db migrate makes one)"]
    version, expected = current_version_of(url), newest(dialect=url.dialect)
    found.update(schema_version=version, code_schema_version=expected)
    if version < expected:
        return found, [
            f"the schema is at version {version}, this code's is {expected}:"
            " run python -m db migrate (every process also does at start)"
        ]
    if version > expected:
        return found, [f"the schema is at version {version}, newer than this code's {expected}"]
    return found, []


async def _engine_checks(url: DbUrl) -> list[str]:
    db = await Database.open(url, run_migrations=False)
    try:
        problems = await db.read(admin.missing_tables, url.dialect, TABLES)
        problems = [f"table {name} is missing" for name in problems]
        return problems + await db.read(admin.integrity_problems, url.dialect)
    finally:
        await db.aclose()


async def check(url: DbUrl, as_json: bool) -> int:
    try:
        found, problems = await asyncio.to_thread(_report, url)
        if not problems:
            problems = await _engine_checks(url)
    except (DbError, MigrationError, OSError) as exc:
        found, problems = {"database": str(url), "engine": url.dialect}, [str(exc)]
    found.update(ok=not problems, problems=problems)
    if as_json:
        print(orjson.dumps(found, option=orjson.OPT_INDENT_2).decode())
    else:
        for key, value in found.items():
            if key != "problems":
                print(f"{key + ':':<21} {value}")
        for problem in problems:
            print(f"problem: {problem}", file=sys.stderr)
    return 0 if not problems else 1
