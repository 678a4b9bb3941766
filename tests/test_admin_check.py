"""``python -m api admin check``: the database's health, read without changing it, on this
run's engine."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from db import Database
from tests.support.admin_cli import admin, admin_json, ok


def test_check_says_the_database_is_sound(db_url: str, engine: str) -> None:
    report = admin_json(db_url, "check")
    assert report["ok"] is True and report["problems"] == []
    assert report["engine"] == engine
    assert report["schema_version"] == report["code_schema_version"] >= 13
    assert "ok:" in ok(db_url, "check")


async def test_check_names_what_is_wrong(new_db_url: Any, engine: str) -> None:
    broken = new_db_url()
    db = await Database.open(broken)
    try:
        await db.write(lambda conn: conn.run("DROP TABLE admins"))
    finally:
        await db.aclose()
    if engine == "sqlite":
        # a row pointing at a user that is not there, as a bad restore would leave: written
        # by sqlite3 itself, which checks no foreign key unless asked to
        with sqlite3.connect(broken) as raw:
            raw.execute(
                "INSERT INTO auth_tokens (id, user_id, token_hash, expires_at)"
                " VALUES (1, 999, 'x', '2030-01-01T00:00:00.000Z')"
            )
    done = admin(broken, "check")
    assert done.returncode == 1
    assert "problem: table admins is missing" in done.stderr
    if engine == "sqlite":
        report = json.loads(admin(broken, "check", "--json").stdout)
        assert "auth_tokens row 1 points at a missing users row" in report["problems"]


def test_check_of_a_database_that_is_not_there(tmp_path: Path) -> None:
    missing = admin(str(tmp_path / "nothing.db"), "check")
    assert missing.returncode == 1
    assert "there is no database file at" in missing.stderr
    assert not (tmp_path / "nothing.db").exists()
    unreachable = admin("postgresql://colearn@127.0.0.1:9/colearn", "check")
    assert unreachable.returncode == 1
    assert "127.0.0.1:9" in unreachable.stdout + unreachable.stderr
