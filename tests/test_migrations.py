"""Schema: created on a fresh file, upgraded in place on an old one; re-runs are no-ops."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import pytest

from db.migrate import MIGRATIONS_DIR, MigrationError, available, current_version, migrate

TABLES = {"users", "sessions", "occurrences", "bookings", "chat_messages", "presence", "events"}


@contextmanager
def _connect(path: Path) -> Iterator[sqlite3.Connection]:
    with closing(sqlite3.connect(path)) as conn, conn:
        yield conn


def _tables(path: Path) -> set[str]:
    with _connect(path) as conn:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def _version(path: Path) -> int:
    with _connect(path) as conn:
        return current_version(conn)


def test_fresh_database_gets_every_migration(tmp_path: Path) -> None:
    path = tmp_path / "new" / "colearn.db"
    applied = migrate(path)
    assert [m.version for m in applied] == [m.version for m in available()]
    assert TABLES <= _tables(path)
    assert _version(path) == len(available())
    with _connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_second_run_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "colearn.db"
    migrate(path)
    assert migrate(path) == []


def _migrations_upto(tmp_path: Path, count: int) -> Path:
    directory = tmp_path / "old-migrations"
    directory.mkdir()
    for source in sorted(MIGRATIONS_DIR.glob("*.sql"))[:count]:
        shutil.copy(source, directory)
    return directory


def test_old_database_is_upgraded_in_place_keeping_its_data(tmp_path: Path) -> None:
    path = tmp_path / "colearn.db"
    # An "older version" of Co~Learn: the first migration plus one the code has since grown.
    old = _migrations_upto(tmp_path, 1)
    migrate(path, old)
    with _connect(path) as conn:
        conn.execute(
            "INSERT INTO users (email, display_name, role, password_hash)"
            " VALUES ('ada@example.org', 'Ada', 'facilitator', 'x')"
        )
    (old / "0002_user_locale.sql").write_text("ALTER TABLE users ADD COLUMN locale TEXT;")
    applied = migrate(path, old)
    assert [m.name for m in applied] == ["user_locale"]
    with _connect(path) as conn:
        row = conn.execute("SELECT email, locale FROM users").fetchone()
    assert row == ("ada@example.org", None)
    assert _version(path) == 2


def test_events_keep_their_ids_and_new_ones_follow_the_largest(tmp_path: Path) -> None:
    path = tmp_path / "colearn.db"
    migrate(path, _migrations_upto(tmp_path, 6))  # events still with AUTOINCREMENT
    with _connect(path) as conn:
        conn.executemany(
            "INSERT INTO events (id, topic, kind) VALUES (?, 'occurrence:1', ?)",
            [(5, "seats.changed"), (9, "presence.joined")],
        )
    migrate(path)
    with _connect(path) as conn:
        kept = conn.execute("SELECT id, kind FROM events ORDER BY id").fetchall()
        assert kept == [(5, "seats.changed"), (9, "presence.joined")]
        new_id = conn.execute("INSERT INTO events (topic, kind) VALUES ('t', 'k')").lastrowid
    assert new_id == 10  # a client resuming from 9 gets it


def test_mail_waiting_in_the_outbox_survives_and_keys_stay_unique(tmp_path: Path) -> None:
    path = tmp_path / "colearn.db"
    migrate(path, _migrations_upto(tmp_path, 8))  # dedupe_key still a UNIQUE column
    mail = (
        "INSERT INTO outbox (kind, recipient, ical_uid, ical_sequence, ical_method,"
        " dedupe_key, next_attempt_at, created_at) VALUES (?, 'ada@example.org',"
        " 'occurrence-1', 0, 'REQUEST', ?, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')"
    )
    with _connect(path) as conn:
        conn.executemany(mail, [("booking_confirmed", None), ("reminder", "reminder:1:user-1")])
    migrate(path)
    with _connect(path) as conn:
        kept = conn.execute("SELECT id, kind, dedupe_key, status FROM outbox ORDER BY id")
        assert kept.fetchall() == [
            (1, "booking_confirmed", None, "pending"),
            (2, "reminder", "reminder:1:user-1", "pending"),
        ]
        conn.execute(mail, ("booking_confirmed", None))  # many mails have no key
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute(mail, ("reminder", "reminder:1:user-1"))


def test_failing_migration_leaves_nothing_half_done(tmp_path: Path) -> None:
    path = tmp_path / "colearn.db"
    directory = _migrations_upto(tmp_path, 1)
    migrate(path, directory)
    (directory / "0002_broken.sql").write_text(
        "CREATE TABLE halfway (id INTEGER);\nTHIS IS NOT SQL;"
    )
    with pytest.raises(MigrationError, match="0002_broken"):
        migrate(path, directory)
    assert "halfway" not in _tables(path)
    assert _version(path) == 1


def test_database_newer_than_the_code_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "colearn.db"
    directory = _migrations_upto(tmp_path, 1)
    (directory / "0002_future.sql").write_text("CREATE TABLE future (id INTEGER);")
    migrate(path, directory)
    (tmp_path / "current").mkdir()
    with pytest.raises(MigrationError, match="newer than this code"):
        migrate(path, _migrations_upto(tmp_path / "current", 1))


def test_gap_in_numbering_is_an_error(tmp_path: Path) -> None:
    directory = _migrations_upto(tmp_path, 1)
    (directory / "0003_skipped.sql").write_text("SELECT 1;")
    with pytest.raises(MigrationError, match="without gaps"):
        available(directory)


def test_cli_creates_the_database_named_by_colearn_db(tmp_path: Path) -> None:
    path = tmp_path / "cli.db"
    env = {"COLEARN_DB": str(path), "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-m", "db", "migrate"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).parent.parent,
    )
    assert "applied 0001_initial" in result.stdout
    again = subprocess.run(
        [sys.executable, "-m", "db", "migrate"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).parent.parent,
    )
    assert "up to date" in again.stdout
    assert TABLES <= _tables(path)
