"""Booking: seats never oversold, idempotent booking, the waitlist and its promotions."""

from __future__ import annotations

import asyncio
from collections import Counter

import aiohttp

from tests.support.api_client import Actor, Api, seed_participants


async def _occurrence(api: Api, capacity: int) -> tuple[Actor, int]:
    ada = await api.register("facilitator")
    session = await api.create_session(ada, capacity=capacity)
    return ada, session["occurrences"][0]["id"]


async def test_booking_twice_is_one_booking(api: Api) -> None:
    _, occurrence = await _occurrence(api, capacity=3)
    learner = await api.register()
    first = await api.call("POST", f"/api/occurrences/{occurrence}/bookings", as_=learner)
    again = await api.call("POST", f"/api/occurrences/{occurrence}/bookings", as_=learner)
    assert (first.status, again.status) == (201, 200)
    assert first.body["id"] == again.body["id"]
    assert again.body["occurrence"]["seats_left"] == 2


async def test_a_full_occurrence_is_a_409_that_offers_the_waitlist(api: Api) -> None:
    ada, occurrence = await _occurrence(api, capacity=1)
    first, second, third = [await api.register() for _ in range(3)]
    assert (
        await api.call("POST", f"/api/occurrences/{occurrence}/bookings", as_=first)
    ).status == 201
    full = await api.call("POST", f"/api/occurrences/{occurrence}/bookings", as_=second)
    assert full.status == 409 and full.error_code == "occurrence_full"
    assert "1 of 1 seats" in full.body["error"]["message"]
    assert f"/api/occurrences/{occurrence}/waitlist" in full.body["error"]["message"]

    waiting = await api.call("POST", f"/api/occurrences/{occurrence}/waitlist", as_=second)
    assert waiting.status == 201
    assert waiting.body["status"] == "waitlisted" and waiting.body["waitlist_position"] == 1
    behind = await api.call("POST", f"/api/occurrences/{occurrence}/waitlist", as_=third)
    assert behind.body["waitlist_position"] == 2
    roster = await api.call("GET", f"/api/occurrences/{occurrence}/bookings", as_=ada)
    assert [(e["user"]["id"], e["status"]) for e in roster.body["items"]] == [
        (first.id, "booked"),
        (second.id, "waitlisted"),
        (third.id, "waitlisted"),
    ]


async def test_a_freed_seat_goes_to_the_first_in_line_at_once(api: Api) -> None:
    _, occurrence = await _occurrence(api, capacity=1)
    holder, waiting, behind = [await api.register() for _ in range(3)]
    booked = await api.call("POST", f"/api/occurrences/{occurrence}/bookings", as_=holder)
    await api.call("POST", f"/api/occurrences/{occurrence}/waitlist", as_=waiting)
    await api.call("POST", f"/api/occurrences/{occurrence}/waitlist", as_=behind)

    cancelled = await api.call("DELETE", f"/api/bookings/{booked.body['id']}", as_=holder)
    assert cancelled.status == 200 and cancelled.body["status"] == "cancelled"
    # the seat was handed on in the same transaction: still no seat left
    assert cancelled.body["occurrence"]["seats_left"] == 0
    assert cancelled.body["occurrence"]["waitlisted"] == 1
    promoted = await api.call("GET", "/api/bookings", as_=waiting)
    assert [b["status"] for b in promoted.body["items"]] == ["booked"]
    still = await api.call("GET", "/api/bookings", as_=behind)
    assert still.body["items"][0]["waitlist_position"] == 1


async def test_more_seats_promote_the_waitlist(api: Api) -> None:
    ada, occurrence = await _occurrence(api, capacity=1)
    people = [await api.register() for _ in range(3)]
    for person in people:
        await api.call("POST", f"/api/occurrences/{occurrence}/waitlist", as_=person)
    grown = await api.call("PATCH", f"/api/occurrences/{occurrence}", as_=ada, json={"capacity": 2})
    assert grown.body["seats_booked"] == 2 and grown.body["waitlisted"] == 1


async def test_booking_a_series_waitlists_where_it_is_full(api: Api) -> None:
    ada = await api.register("facilitator")
    session = await api.create_session(
        ada, capacity=1, recurrence={"frequency": "weekly", "count": 3}
    )
    middle = session["occurrences"][1]["id"]
    early = await api.register()
    await api.call("POST", f"/api/occurrences/{middle}/bookings", as_=early)
    learner = await api.register()
    series = await api.call("POST", f"/api/sessions/{session['id']}/bookings", as_=learner)
    assert series.status == 201
    assert [b["status"] for b in series.body["items"]] == ["booked", "waitlisted", "booked"]
    again = await api.call("POST", f"/api/sessions/{session['id']}/bookings", as_=learner)
    assert again.status == 200
    assert [b["id"] for b in again.body["items"]] == [b["id"] for b in series.body["items"]]


async def test_a_participant_cannot_touch_someone_elses_booking(api: Api) -> None:
    _, occurrence = await _occurrence(api, capacity=2)
    owner, other = await api.register(), await api.register()
    booked = await api.call("POST", f"/api/occurrences/{occurrence}/bookings", as_=owner)
    for method in ("GET", "DELETE"):
        reply = await api.call(method, f"/api/bookings/{booked.body['id']}", as_=other)
        assert reply.status == 403 and reply.error_code == "not_yours"
    assert (await api.call("GET", "/api/bookings", as_=other)).body["items"] == []
    mine = await api.call("GET", "/api/bookings", as_=owner)
    assert [b["status"] for b in mine.body["items"]] == ["booked"]


async def test_no_booking_once_the_occurrence_ended(api: Api) -> None:
    _, occurrence = await _occurrence(api, capacity=2)
    learner = await api.register()
    api.clock.advance(days=2)
    late = await api.call("POST", f"/api/occurrences/{occurrence}/bookings", as_=learner)
    assert late.status == 409 and late.error_code == "occurrence_ended"


async def test_200_clients_racing_for_the_last_10_seats_get_exactly_10(api: Api) -> None:
    _, occurrence = await _occurrence(api, capacity=12)
    for _ in range(2):
        early = await api.register()
        await api.call("POST", f"/api/occurrences/{occurrence}/bookings", as_=early)

    tokens = await seed_participants(
        api.config.db_url, 200, valid_until=api.clock.now.replace(year=2027), prefix="racer"
    )

    start = asyncio.Event()

    async def race(http: aiohttp.ClientSession, token: str) -> int:
        await start.wait()
        async with http.post(
            f"{api.url}/api/occurrences/{occurrence}/bookings",
            headers={"Authorization": f"Bearer {token}"},
        ) as response:
            return response.status

    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as http:
        racers = [asyncio.create_task(race(http, token)) for token in tokens]
        await asyncio.sleep(0)
        start.set()
        statuses = Counter(await asyncio.gather(*racers))
    assert statuses == {201: 10, 409: 190}
    seats = await api.call("GET", f"/api/occurrences/{occurrence}")
    assert seats.body["seats_booked"] == 12 and seats.body["seats_left"] == 0
