"""The API's configuration and the 0002 migration on a database that already has bookings."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import timedelta
from pathlib import Path

import pytest

from api.config import ApiConfig
from colearn.config import ConfigError
from db.migrate import MIGRATIONS_DIR, migrate


def test_api_settings_come_from_the_environment() -> None:
    config = ApiConfig.from_env(
        {"COLEARN_JOIN_WINDOW_MINUTES": "5", "COLEARN_COOKIE_SECURE": "true"}
    )
    assert config.join_window == timedelta(minutes=5)
    assert config.cookie_secure is True
    assert config.auth_token_ttl == timedelta(hours=168)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("COLEARN_JOIN_WINDOW_MINUTES", "-1"),
        ("COLEARN_AUTH_TOKEN_TTL_HOURS", "0"),
        ("COLEARN_COOKIE_SECURE", "maybe"),
        ("COLEARN_EVENTS_POLL_MS", "fast"),
    ],
)
def test_a_bad_setting_is_refused_naming_the_variable(name: str, value: str) -> None:
    with pytest.raises(ConfigError, match=name):
        ApiConfig.from_env({name: value})


def test_0002_counts_the_seats_already_booked(tmp_path: Path) -> None:
    old = tmp_path / "old-migrations"
    old.mkdir()
    (old / "0001_initial.sqlite.sql").write_text(
        (MIGRATIONS_DIR / "0001_initial.sqlite.sql").read_text()
    )
    path = tmp_path / "colearn.db"
    migrate(path, old)
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.executescript(
            """
            INSERT INTO users (id, email, display_name, role, password_hash) VALUES
              (1, 'f@example.org', 'F', 'facilitator', 'x'),
              (2, 'a@example.org', 'A', 'participant', 'x'),
              (3, 'b@example.org', 'B', 'participant', 'x');
            INSERT INTO sessions (id, facilitator_id, title, timezone, starts_local,
              duration_minutes, capacity) VALUES (1, 1, 'Old', 'UTC', '2026-01-01T10:00:00', 60, 3);
            INSERT INTO occurrences (id, session_id, starts_at, ends_at, room_name) VALUES
              (1, 1, '2026-01-01T10:00:00.000Z', '2026-01-01T11:00:00.000Z', 'old-room');
            INSERT INTO bookings (occurrence_id, user_id, status) VALUES (1, 2, 'booked'),
              (1, 3, 'cancelled');
            """
        )
    migrate(path)
    with closing(sqlite3.connect(path)) as conn, conn:
        row = conn.execute("SELECT capacity, seats_booked FROM occurrences WHERE id = 1").fetchone()
        assert row == (3, 1)
        # the seat counter follows later changes, and the limit holds in the database itself
        conn.execute("UPDATE bookings SET status = 'booked' WHERE user_id = 3")
        conn.execute("UPDATE occurrences SET capacity = 2 WHERE id = 1")
        with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
            conn.execute("UPDATE occurrences SET capacity = 1 WHERE id = 1")
