"""The data layer behaves the same on both engines, and PostgreSQL's concurrency is handled
out loud: migrations under a lock, event ids in commit order, a lost server answered 503."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from db import Database, MigrationError
from db.conn import Conn
from db.events import Event, events_after, flush_events, record_event
from db.migrate import current_version_of, newest
from db.url import parse
from tests.support import peek
from tests.support.api_client import PASSWORD, Api, running_api
from tests.support.postgres import postgres_server

ROOT = Path(__file__).parent.parent
STORED_INSTANT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def _migrate_cli(url: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "db", "migrate", "--db", url],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def test_two_processes_migrating_one_new_database_at_once_both_succeed(
    new_db_url, engine: str
) -> None:
    url = new_db_url(migrated=False)
    first, second = _migrate_cli(url), _migrate_cli(url)
    outputs = [p.communicate(timeout=60) for p in (first, second)]
    assert [p.returncode for p in (first, second)] == [0, 0], outputs
    assert sum("applied" in out for out, _ in outputs) == 1  # the other found nothing to do
    assert current_version_of(parse(url)) == newest(dialect=parse(url).dialect)


async def test_a_database_newer_than_the_code_is_refused(db_url: str) -> None:
    await peek.execute(
        db_url, "INSERT INTO schema_migrations (version, name) VALUES (999, 'from_the_future')"
    )
    with pytest.raises(MigrationError, match="newer than this code"):
        await Database.open(db_url)


async def test_emails_are_unique_whatever_their_case_and_times_stored_alike(api: Api) -> None:
    body = {"email": "Ada@Example.org", "password": PASSWORD, "display_name": "Ada"}
    assert (await api.call("POST", "/api/accounts", json=body)).status == 201
    again = await api.call("POST", "/api/accounts", json={**body, "email": "ada@EXAMPLE.ORG"})
    assert again.status == 409 and again.error_code == "email_taken"
    (user,) = await peek.rows(str(api.config.db_url), "SELECT email, created_at FROM users")
    assert user["email"] == "ada@example.org"
    assert STORED_INSTANT.match(user["created_at"]), user["created_at"]


async def test_the_same_account_registered_twice_at_once_is_one_201_and_one_409(
    api: Api,
) -> None:
    body = {"email": "twice@example.org", "password": PASSWORD, "display_name": "Twice"}
    replies = await asyncio.gather(
        *(api.call("POST", "/api/accounts", json=body) for _ in range(6))
    )
    assert sorted(r.status for r in replies) == [201, 409, 409, 409, 409, 409]
    assert {r.error_code for r in replies if r.status == 409} == {"email_taken"}


def _slow_event(conn: Conn, hold_s: float) -> None:
    record_event(conn, "occurrence:1", "slow", {})
    flush_events(conn)  # its id is taken ...
    time.sleep(hold_s)  # ... and still uncommitted: a later transaction must not overtake it


def _quick_event(conn: Conn) -> None:
    record_event(conn, "occurrence:1", "quick", {})


async def test_a_reader_never_skips_an_event_that_commits_late(db_url: str) -> None:
    db = await Database.open(db_url)
    seen: list[Event] = []
    try:
        slow = asyncio.ensure_future(db.write(_slow_event, 0.5))
        await asyncio.sleep(0.1)  # the slow transaction holds its event, uncommitted
        quick = asyncio.ensure_future(db.write(_quick_event))
        deadline = time.monotonic() + 5
        while len(seen) < 2 and time.monotonic() < deadline:
            seen += await events_after(db, seen[-1].id if seen else 0)
            await asyncio.sleep(0.01)
        await asyncio.gather(slow, quick)
        # both, the first id taken first: the reader that went on from one skipped none
        assert [e.kind for e in seen] == ["slow", "quick"]
    finally:
        await db.aclose()


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize("command", [["-m", "api"], ["-m", "agents"], ["-m", "mail", "send"]])
def test_an_unreachable_postgresql_stops_a_process_naming_colearn_db(
    command: list[str], tmp_path: Path
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COLEARN_", "LIVEKIT_"))}
    # port 9 on loopback: nothing listens there
    env["COLEARN_DB"] = "postgresql://colearn:hunter2secret@127.0.0.1:9/colearn"
    env.update(LIVEKIT_API_KEY="k", LIVEKIT_API_SECRET="s" * 40)
    result = _run(command, env)
    assert result.returncode != 0
    assert "COLEARN_DB" in result.stderr and "cannot reach PostgreSQL" in result.stderr
    assert "hunter2secret" not in result.stderr + result.stdout
    assert "Traceback" not in result.stderr


async def test_requests_get_503_while_postgresql_is_away_and_work_when_it_is_back() -> None:
    # durable commits (the tests' usual server gives that up), as it stops abruptly
    with postgres_server(("fsync=off",)) as server:
        async with running_api(server.new_database()) as api:
            ada = await api.register("facilitator")
            server.stop()
            started = time.monotonic()
            away = await api.call("GET", "/api/sessions", as_=ada)
            assert away.status == 503, away.body
            assert away.error_code == "database_unavailable"
            assert "Retry-After" in away.headers
            assert time.monotonic() - started < 15
            server.start()
            deadline = time.monotonic() + 20
            back = await api.call("GET", "/api/sessions", as_=ada)
            while back.status != 200 and time.monotonic() < deadline:
                await asyncio.sleep(0.5)
                back = await api.call("GET", "/api/sessions", as_=ada)
            assert back.status == 200, back.body
            created = await api.create_session(ada)
            assert created["title"] == "Conversation club"


def test_no_module_outside_db_imports_a_database_driver() -> None:
    driver = re.compile(r"^\s*(import|from)\s+(sqlite3|aiosqlite|psycopg\w*|asyncpg)\b", re.M)
    # dictionary/ (and its benchmark) reads its own read-only word list file, built by
    # `make dictionary`, not Co~Learn's database: a data file each machine has, whatever
    # the engine.
    places = ["api", "agents", "mail", "colearn", "vocab", "web", "bench"]
    dictionary_file = {"bench/dictionary_lookup.py"}
    offenders = [
        str(path.relative_to(ROOT))
        for place in places
        for path in (ROOT / place).rglob("*.py")
        if driver.search(path.read_text(encoding="utf-8"))
        and str(path.relative_to(ROOT)) not in dictionary_file
    ]
    assert offenders == []
