"""``/readyz`` notices a stuck outbox; a request id travels from the API request into the
events and the mail it caused, and back to the client."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from api.openapi import document
from db import Database
from db.rows import fetchall
from tests.support.api_client import Api, running_api
from tests.support.ports import free_ports
from tests.support.smtp import SmtpServer, mail_config
from tests.support.stack import new_stack
from tests.support.waiting import eventually


@pytest.fixture
async def silent_smtp() -> AsyncIterator[int]:
    """A port that accepts connections and never says a word: an SMTP server that hangs."""
    held: list[asyncio.StreamWriter] = []

    async def hold(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        for writer in held:
            writer.close()
        server.close()
        await server.wait_closed()


async def _book_one(api: Api, headers: dict[str, str] | None = None) -> int:
    ada = await api.register("facilitator")
    lee = await api.register()
    session = await api.create_session(ada)
    occurrence = session["occurrences"][0]["id"]
    path = f"/api/occurrences/{occurrence}/bookings"
    booked = await api.call("POST", path, as_=lee, headers=headers)
    assert booked.status == 201, booked.body
    return occurrence


async def test_readyz_fails_on_a_mail_due_too_long_and_names_the_outbox(
    db_url: str, silent_smtp: int, smtp_server: SmtpServer
) -> None:
    hanging = mail_config(smtp_server, smtp_port=silent_smtp, smtp_timeout=120.0)
    async with running_api(db_url, mail=hanging) as api:
        await _book_one(api)  # its confirmation mail is due now; the sender hangs on it
        fresh = await api.call("GET", "/readyz")
        outbox = fresh.body["checks"]["outbox"]
        assert outbox["ok"] is True and outbox["sending"] is True and outbox["pending"] == 1
        assert "outbox" not in fresh.body["failed"]

        api.clock.advance(minutes=11)
        stuck = await api.call("GET", "/readyz")
    assert stuck.status == 503
    for answer in (fresh, stuck):
        assert _readiness_errors(answer.body) == [], "as api/openapi.yaml describes it"
    assert "outbox" in stuck.body["failed"]
    outbox = stuck.body["checks"]["outbox"]
    assert outbox["ok"] is False and outbox["oldest_due_age_seconds"] >= 600
    assert "due for more than 10 min" in outbox["error"]


def _readiness_errors(body: object) -> list[str]:
    components = document()["components"]
    schema = {"$ref": "#/components/schemas/Readiness", "components": components}
    return [error.message for error in Draft202012Validator(schema).iter_errors(body)]


async def test_a_request_id_reaches_the_answer_the_events_and_the_mail(
    db_url: str, smtp_server: SmtpServer
) -> None:
    async with running_api(db_url, mail=mail_config(smtp_server)) as api:
        given = "lb-7f3a.19:2"
        occurrence = await _book_one(api, headers={"X-Request-ID": given})
        echoed = await api.call("GET", "/healthz", headers={"X-Request-ID": given})
        made = await api.call("GET", "/healthz", headers={"X-Request-ID": "not a valid id!"})
        other = await api.call("GET", "/healthz")
        mails = await smtp_server.inbox.wait_for(1)
    assert echoed.headers["X-Request-ID"] == given
    assert (
        made.headers["X-Request-ID"] != "not a valid id!"
        and len(made.headers["X-Request-ID"]) == 32
    )
    assert other.headers["X-Request-ID"] not in (given, made.headers["X-Request-ID"])
    assert [str(m.message["X-Request-ID"]) for m in mails] == [given]

    db = await Database.open(db_url)
    try:
        events = await fetchall(
            db,
            "SELECT request_id FROM events WHERE topic = :topic",
            {"topic": f"occurrence:{occurrence}"},
        )
        queued = await fetchall(db, "SELECT request_id FROM outbox")
    finally:
        await db.aclose()
    assert events and {row["request_id"] for row in events} == {given}
    assert [row["request_id"] for row in queued] == [given]


async def test_concurrent_requests_keep_their_own_ids_in_one_group_commit(db_url: str) -> None:
    """SQLite commits simultaneous writes together; each event keeps its own request's id."""
    async with running_api(db_url) as api:
        ada = await api.register("facilitator")
        learners = [await api.register() for _ in range(4)]
        session = await api.create_session(ada)
        occurrence = session["occurrences"][0]["id"]
        path = f"/api/occurrences/{occurrence}/bookings"
        answers = await asyncio.gather(
            *(
                api.call("POST", path, as_=who, headers={"X-Request-ID": f"req-{n}"})
                for n, who in enumerate(learners)
            )
        )
        assert [a.status for a in answers] == [201] * 4
        db = await Database.open(db_url)
        try:

            async def mails_of_each() -> bool:
                rows = await fetchall(db, "SELECT user_id, request_id FROM outbox")
                return {(r["user_id"], r["request_id"]) for r in rows} == {
                    (who.id, f"req-{n}") for n, who in enumerate(learners)
                }

            await eventually(mails_of_each, within=5, what="each mail with its request's id")
        finally:
            await db.aclose()


async def test_readyz_follows_the_agent_worker_coming_and_going(
    db_url: str, tmp_path: Path
) -> None:
    """A stack of its own: stopping the shared one's worker would upset the other tests."""
    own = new_stack(free_ports(4), tmp_path, db_url)
    try:
        await asyncio.to_thread(own.start_livekit)
        async with running_api(db_url, livekit=own.livekit_config) as api:
            before = await api.call("GET", "/readyz")
            assert before.body["failed"] == ["agent"]

            # captions off: this test needs a registered worker, not a Whisper model
            agent = await asyncio.to_thread(own.start_agent, 60.0, {"COLEARN_CAPTIONS": "off"})

            async def ready() -> bool:
                return (await api.call("GET", "/readyz")).status == 200

            await eventually(ready, within=5, what="/readyz to see the worker")
            ready_body = (await api.call("GET", "/readyz")).body
            assert ready_body["checks"]["agent"] == {"ok": True, "workers": 1}

            # a worker that stops says it is gone; one that dies is not heard from again:
            # either way /readyz tells within the 10 s a worker counts as alive
            await asyncio.to_thread(agent.stop)

            async def not_ready() -> bool:
                return (await api.call("GET", "/readyz")).status == 503

            await eventually(not_ready, within=12, what="/readyz to miss the worker")
            gone = await api.call("GET", "/readyz")
        assert gone.body["failed"] == ["agent"]
        assert gone.body["checks"]["agent"]["workers"] == 0
    finally:
        await asyncio.to_thread(own.stop)
