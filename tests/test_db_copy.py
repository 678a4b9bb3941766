"""``python -m db copy``: a school's data moves from SQLite to PostgreSQL (and back), and the
API serves the same answers from the copy."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from db import migrate
from db.migrate import MIGRATIONS_DIR
from tests.support import peek
from tests.support.api_client import Actor, Api, running_api
from tests.support.postgres import PostgresServer

ROOT = Path(__file__).parent.parent


def _copy(source: str, target: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "db", "copy", source, target],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


async def _populate(api: Api) -> dict[str, Actor]:
    """A facilitator's weekly series, a full meeting with a waitlist, a cancellation, an
    invitation with its mail, chat and an event log."""
    ada = await api.register("facilitator", name="Ada")
    lee, kim, joe = [await api.register(name=n) for n in ("Lee", "Kim", "Joe")]
    session = await api.create_session(
        ada,
        capacity=2,
        recurrence={"frequency": "weekly", "count": 3},
        title="Büro-Englisch: Small talk",
    )
    first, second = (o["id"] for o in session["occurrences"][:2])
    for who in (lee, kim):
        assert (await api.call("POST", f"/api/occurrences/{first}/bookings", as_=who)).status in (
            200,
            201,
        )
    waiting = await api.call("POST", f"/api/occurrences/{first}/waitlist", as_=joe)
    assert waiting.status in (200, 201), waiting.body
    booked = await api.call("POST", f"/api/occurrences/{second}/bookings", as_=lee)
    assert (await api.call("DELETE", f"/api/bookings/{booked.body['id']}", as_=lee)).status == 200
    invited = await api.call(
        "POST",
        f"/api/occurrences/{second}/invitations",
        as_=ada,
        json={"emails": ["guest@example.org", kim.email]},
    )
    assert invited.status in (200, 201), invited.body
    url = str(api.config.db_url)
    (room,) = await peek.rows(url, "SELECT room_name FROM occurrences WHERE id = :id", id=first)
    for number, (who, text) in enumerate([(lee, "Hello 👋"), (kim, "It's 5% warmer")]):
        await peek.execute(
            url,
            "INSERT INTO chat_messages (room_name, occurrence_id, message_id, sender_identity,"
            " sender_name, body, sent_at) VALUES (:room, :occ, :mid, :who, :name, :body,"
            " '2026-03-03T09:00:00.000Z')",
            room=room["room_name"], occ=first, mid=f"m{number}", who=f"user-{who.id}",
            name=who.user["display_name"], body=text,
        )  # fmt: skip
    return {"ada": ada, "lee": lee, "kim": kim, "joe": joe}


async def _answers(api: Api, actors: dict[str, Actor]) -> dict[str, Any]:
    ada = actors["ada"]
    (session,) = (await api.call("GET", "/api/sessions", as_=ada)).body["items"]
    first = (await api.call("GET", f"/api/sessions/{session['id']}", as_=ada)).body["occurrences"][
        0
    ]["id"]
    paths = ["/api/sessions", "/api/occurrences", "/api/bookings", "/api/invitations"]
    answers: dict[str, Any] = {}
    for name, who in actors.items():
        for path in [*paths, "/api/auth/me", "/api/me/mail"]:
            reply = await api.call("GET", path, as_=who)
            answers[f"{name} {path}"] = (reply.status, reply.body)
    occurrences = (await api.call("GET", "/api/occurrences", as_=ada)).body
    for occurrence in occurrences["items"]:
        for tail in ("", "/bookings", "/messages", "/attendance"):
            path = f"/api/occurrences/{occurrence['id']}{tail}"
            reply = await api.call("GET", path, as_=ada)
            answers[path] = (reply.status, reply.body)
    answers["first"] = first
    return answers


async def test_a_populated_database_moves_to_postgresql_and_back_with_the_same_answers(
    tmp_path: Path, postgres: PostgresServer
) -> None:
    source = str(tmp_path / "school.db")
    migrate(source)
    async with running_api(source) as api:
        actors = await _populate(api)
        before = await _answers(api, actors)

    target = postgres.new_database(migrated=False)
    moved = _copy(source, target)
    assert moved.returncode == 0, moved.stderr
    assert "verified row counts" in moved.stdout
    assert "bookings" in moved.stdout and "events" in moved.stdout
    async with running_api(target) as api:
        assert await _answers(api, actors) == before
        # new rows take ids after the copied ones
        newcomer = await api.register(name="Newcomer")
        third = before["first"] + 2
        assert (
            await api.call("POST", f"/api/occurrences/{third}/bookings", as_=newcomer)
        ).status == 201

    back = str(tmp_path / "back.db")
    returned = _copy(target, back)
    assert returned.returncode == 0, returned.stderr
    async with running_api(back) as api:
        answers = await _answers(api, actors)
        assert (
            answers["/api/occurrences/" + str(before["first"])]
            == before["/api/occurrences/" + str(before["first"])]
        )


async def test_a_target_that_holds_data_is_refused_and_left_alone(
    tmp_path: Path, postgres: PostgresServer
) -> None:
    source = str(tmp_path / "school.db")
    migrate(source)
    target = postgres.new_database()
    await peek.execute(
        target,
        "INSERT INTO users (email, display_name, role, password_hash)"
        " VALUES ('someone@example.org', 'Someone', 'participant', '-')",
    )
    refused = _copy(source, target)
    assert refused.returncode == 1
    assert "not empty" in refused.stderr and "users (1 rows)" in refused.stderr
    assert len(await peek.rows(target, "SELECT id FROM users")) == 1


def test_schema_versions_that_differ_are_refused(tmp_path: Path, postgres: PostgresServer) -> None:
    old = tmp_path / "old-migrations"
    old.mkdir()
    for path in sorted(MIGRATIONS_DIR.glob("*.sql"))[:5]:
        (old / path.name).write_text(path.read_text())
    source = tmp_path / "old.db"
    migrate(source, old)
    refused = _copy(str(source), postgres.new_database(migrated=False))
    assert refused.returncode == 1
    assert "schema version 5" in refused.stderr and "migrate the source first" in refused.stderr
