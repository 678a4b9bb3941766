"""Live updates: seat changes reach watchers, a reconnecting client misses nothing, and
events another process writes (the agent's presence) arrive too."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiohttp

from db import Database
from db.events import record_event
from tests.support.api_client import Actor, Api
from tests.support.sse import SseStream, kind


@asynccontextmanager
async def watching(
    api: Api, who: Actor, occurrences: list[int], last_event_id: str | None = None
) -> AsyncIterator[SseStream]:
    headers = {"Authorization": f"Bearer {who.token}"}
    if last_event_id is not None:
        headers["Last-Event-ID"] = last_event_id
    ids = ",".join(map(str, occurrences))
    async with aiohttp.ClientSession() as http:
        response = await http.get(f"{api.url}/api/events?occurrences={ids}", headers=headers)
        assert response.status == 200
        assert response.content_type == "text/event-stream"
        stream = SseStream(response)
        if last_event_id is None:
            # a fresh stream starts by saying where it stands; a resumed one first replays
            ready = await stream.next()
            assert ready.event == "ready" and ready.id is not None
        try:
            yield stream
        finally:
            stream.close()


async def test_a_watcher_sees_seats_change_and_catches_up_after_reconnecting(api: Api) -> None:
    ada = await api.register("facilitator")
    session = await api.create_session(ada, capacity=5)
    occurrence = session["occurrences"][0]["id"]
    watcher, booker, late = await api.register(), await api.register(), await api.register()

    async with watching(api, watcher, [occurrence]) as stream:
        booked = await api.call("POST", f"/api/occurrences/{occurrence}/bookings", as_=booker)
        change = await stream.until(kind("seats.changed"), what="seats.changed")
        assert change.data["topic"] == f"occurrence:{occurrence}"
        assert change.data["payload"]["seats_left"] == 4
        last_seen = stream.last_id
    assert last_seen is not None

    # While the watcher is away: a cancellation and another booking.
    await api.call("DELETE", f"/api/bookings/{booked.body['id']}", as_=booker)
    await api.call("POST", f"/api/occurrences/{occurrence}/bookings", as_=late)

    async with watching(api, watcher, [occurrence], last_event_id=last_seen) as stream:
        missed = [await stream.until(kind("seats.changed")) for _ in range(2)]
        assert [m.data["payload"]["seats_left"] for m in missed] == [5, 4]
        assert int(missed[0].id or 0) > int(last_seen)
        await api.call("POST", f"/api/occurrences/{occurrence}/bookings", as_=booker)
        live = await stream.until(kind("seats.changed"))
        assert live.data["payload"]["seats_left"] == 3


async def test_a_promoted_person_is_told_and_nobody_else_hears_it(api: Api) -> None:
    ada = await api.register("facilitator")
    session = await api.create_session(ada, capacity=1)
    occurrence = session["occurrences"][0]["id"]
    holder, waiting, bystander = await api.register(), await api.register(), await api.register()
    booked = await api.call("POST", f"/api/occurrences/{occurrence}/bookings", as_=holder)
    await api.call("POST", f"/api/occurrences/{occurrence}/waitlist", as_=waiting)

    async with (
        watching(api, waiting, []) as mine,
        watching(api, bystander, [occurrence]) as theirs,
    ):
        await api.call("DELETE", f"/api/bookings/{booked.body['id']}", as_=holder)
        told = await mine.until(kind("booking.promoted"), what="the promotion")
        assert told.data["topic"] == f"user:{waiting.id}"
        assert told.data["payload"]["status"] == "booked"
        seen = await theirs.until(kind("seats.changed"))
        assert seen.data["payload"]["seats_left"] == 0  # the seat went straight on
        assert "email" not in str(seen.data)


async def test_events_written_by_another_process_reach_watchers(api: Api) -> None:
    ada = await api.register("facilitator")
    session = await api.create_session(ada)
    occurrence = session["occurrences"][0]["id"]
    watcher = await api.register()
    async with watching(api, watcher, [occurrence]) as stream:
        # The agent writes presence through its own connection to the same database.
        agent_db = await Database.open(api.config.db_url)
        try:
            await agent_db.write(
                record_event,
                f"occurrence:{occurrence}",
                "presence.joined",
                {"identity": f"user-{watcher.id}", "display_name": "Watcher"},
            )
        finally:
            await agent_db.aclose()
        joined = await stream.until(kind("presence.joined"), within=2, what="presence")
        assert joined.data["payload"]["identity"] == f"user-{watcher.id}"


async def test_the_stream_needs_sign_in_and_valid_parameters(api: Api) -> None:
    watcher = await api.register()
    assert (await api.call("GET", "/api/events")).status == 401
    bad = await api.call("GET", "/api/events?occurrences=1,x", as_=watcher)
    assert bad.status == 400 and "occurrences must be" in bad.body["error"]["message"]
    bad_id = await api.call(
        "GET", "/api/events", as_=watcher, headers={"Last-Event-ID": "yesterday"}
    )
    assert bad_id.status == 400
