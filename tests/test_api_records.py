"""Chat history, attendance and the vocabulary notebook over HTTP, as the agent stored them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import aiohttp

from db import Database, occurrences
from db.chat import ChatMessage, store_message
from db.conn import Conn
from db.presence import Arrival, join, leave
from db.room_ref import RoomRef
from db.vocabulary import Lookup, record_lookup
from tests.support.api_client import Actor, Api


async def _booked(api: Api) -> tuple[Actor, Actor, int, RoomRef, datetime]:
    ada = await api.register("facilitator", name="Ada")
    session = await api.create_session(ada)
    occurrence_id = session["occurrences"][0]["id"]
    ben = await api.register(name="Ben")
    assert (
        await api.call("POST", f"/api/occurrences/{occurrence_id}/bookings", as_=ben)
    ).status == 201
    db = await Database.open(api.config.db_url, run_migrations=False)
    try:
        found = await occurrences.occurrence(db, occurrence_id)
    finally:
        await db.aclose()
    assert found is not None
    return ada, ben, occurrence_id, RoomRef(found.room_name, occurrence_id), found.starts_at


async def _as_agent(api: Api, work: Callable[[Conn], None]) -> None:
    """Write as the agent does: through db's functions, in one unit of work."""
    db = await Database.open(api.config.db_url, run_migrations=False)
    try:
        await db.write(work)
    finally:
        await db.aclose()


async def test_members_page_through_the_chat_in_order(api: Api) -> None:
    ada, ben, occurrence_id, room, start = await _booked(api)

    def chat(conn: Conn) -> None:
        for n in range(5):
            message = ChatMessage(
                f"m{n}", f"user-{ben.id}", "Ben", f"message {n}", start + timedelta(seconds=n)
            )
            store_message(conn, room, message)

    await _as_agent(api, chat)
    path = f"/api/occurrences/{occurrence_id}/messages"
    first = await api.call("GET", f"{path}?limit=3", as_=ben)
    assert first.status == 200, first.body
    assert [m["text"] for m in first.body["messages"]] == ["message 0", "message 1", "message 2"]
    rest = await api.call("GET", f"{path}?after={first.body['next_after']}", as_=ada)
    assert [m["text"] for m in rest.body["messages"]] == ["message 3", "message 4"]
    assert rest.body["next_after"] is None
    assert rest.body["messages"][0]["sender_name"] == "Ben"

    stranger = await api.register()
    assert (await api.call("GET", path, as_=stranger)).status == 403
    bad = await api.call("GET", f"{path}?limit=0", as_=ben)
    assert (bad.status, bad.error_code) == (400, "invalid_input")


async def test_the_facilitator_sees_who_came_and_for_how_long(api: Api) -> None:
    ada, ben, occurrence_id, room, start = await _booked(api)
    identity = f"user-{ben.id}"

    def stays(conn: Conn) -> None:
        # Ben drops after 10 minutes and comes back 5 minutes later for 20 more.
        join(conn, room, Arrival(identity, "Ben", start))
        leave(conn, room, identity, start + timedelta(minutes=10))
        join(conn, room, Arrival(identity, "Ben", start + timedelta(minutes=15)))
        leave(conn, room, identity, start + timedelta(minutes=35))

    await _as_agent(api, stays)
    path = f"/api/occurrences/{occurrence_id}/attendance"
    reply = await api.call("GET", path, as_=ada)
    assert reply.status == 200, reply.body
    assert reply.body["attendees"] == [
        {
            "identity": identity,
            "display_name": "Ben",
            "first_joined_at": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "seconds_present": 30 * 60,
            "stays": 2,
            "present": False,
        }
    ]
    assert (await api.call("GET", path, as_=ben)).status == 403


async def test_a_learner_reads_their_own_vocabulary_notebook(api: Api) -> None:
    _ada, ben, occurrence_id, room, start = await _booked(api)
    other = await api.register()

    def looked_up(conn: Conn) -> None:
        record_lookup(
            conn,
            room,
            f"user-{ben.id}",
            Lookup("went", "go", "We went to the market.", "d1", start),
        )
        record_lookup(conn, room, f"user-{other.id}", Lookup("ice", "ice", None, "d2", start))

    await _as_agent(api, looked_up)
    reply = await api.call("GET", "/api/me/vocabulary", as_=ben)
    assert reply.status == 200, reply.body
    assert [
        (w["query"], w["headword"], w["context"], w["occurrence_id"]) for w in reply.body["words"]
    ] == [("went", "go", "We went to the market.", occurrence_id)]
    async with aiohttp.ClientSession() as http, http.get(api.url + "/api/me/vocabulary") as r:
        assert r.status == 401
