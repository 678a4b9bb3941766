"""What one client may consume: sign-in attempts, body sizes, write rates, event streams."""

from __future__ import annotations

import asyncio
import time

import aiohttp

from api import passwords, realtime
from api.event_hub import QUEUE_LIMIT, Subscriber
from api.limits import ADDRESS_WRITES, LIMITS, STREAMS, USER_WRITES
from db import Database, accounts
from db.conn import Conn
from tests.support.api_client import PASSWORD, Api, Reply

SIGN_IN = "/api/auth/sign-in"


async def _learners(api: Api, count: int, prefix: str) -> list[str]:
    """``count`` accounts with the real password hash, written straight to the database
    (registering them over HTTP would spend the test's time on argon2 and rates)."""
    digest = await passwords.hash_password(PASSWORD)
    emails = [f"{prefix}-{n}@school.example" for n in range(count)]

    def create(conn: Conn) -> None:
        for n, email in enumerate(emails):
            accounts.create_user(conn, email, f"Learner {n}", accounts.PARTICIPANT, digest)

    db = await Database.open(api.config.db_url, run_migrations=False)
    try:
        await db.write(create)
    finally:
        await db.aclose()
    return emails


async def _sign_in(api: Api, email: str, password: str = PASSWORD) -> Reply:
    return await api.call("POST", SIGN_IN, json={"email": email, "password": password})


async def test_a_class_of_60_behind_one_address_all_sign_in_at_once(api: Api) -> None:
    emails = await _learners(api, 60, "class")
    started = time.monotonic()
    replies = await asyncio.gather(*(_sign_in(api, email) for email in emails))
    took = time.monotonic() - started
    assert [r.status for r in replies] == [200] * 60, [r.body for r in replies if r.status != 200]
    assert took < 60
    # and again, as the next lesson would: nothing was counted against the address
    again = await asyncio.gather(*(_sign_in(api, email) for email in emails))
    assert [r.status for r in again] == [200] * 60
    print(f"60 parallel sign-ins from one address: all 200 in {took:.1f} s")


async def test_guessing_one_account_in_parallel_is_bounded(api: Api) -> None:
    [victim] = await _learners(api, 1, "victim")
    guesses = await asyncio.gather(*(_sign_in(api, victim, f"guess {n}!") for n in range(30)))
    checked = [g for g in guesses if g.status == 401]
    refused = [g for g in guesses if g.status == 429]
    assert len(checked) <= accounts.PER_ACCOUNT and len(checked) + len(refused) == 30
    assert all(int(g.headers["Retry-After"]) >= 1 for g in refused)
    # the account is now shut for the window, even to the right password
    blocked = await _sign_in(api, victim)
    assert blocked.status == 429 and blocked.error_code == "too_many_attempts"
    assert 60 < int(blocked.headers["Retry-After"]) <= 15 * 60
    api.clock.advance(minutes=15, seconds=1)
    assert (await _sign_in(api, victim)).status == 200


async def test_guessing_from_one_address_is_bounded_and_a_failure_counts_from_when_it_failed(
    api: Api,
) -> None:
    [learner] = await _learners(api, 1, "bystander")
    # one wave of guesses at many accounts sent at once: at most the cap is checked
    wave = await asyncio.gather(
        *(_sign_in(api, f"nobody-{n}@school.example", "guess!") for n in range(140))
    )
    checked = sum(1 for r in wave if r.status == 401)
    assert checked <= accounts.PER_ADDRESS + accounts.IN_FLIGHT_PER_ADDRESS
    assert all(r.status in (401, 429) for r in wave)
    # then the address is shut: no more guesses, and (the price) no sign-in from it either
    later = await _sign_in(api, "nobody-x@school.example", "guess!")
    assert later.status == 429 and "your address" in later.body["error"]["message"]
    assert (await _sign_in(api, learner)).status == 429
    api.clock.advance(minutes=15, seconds=1)
    assert (await _sign_in(api, learner)).status == 200
    print(f"140 parallel guesses from one address: {checked} checked, the rest refused")


async def test_sequential_failures_per_address_count_failures_not_attempts(api: Api) -> None:
    emails = await _learners(api, 30, "mixed")
    # 30 correct sign-ins and 19 wrong ones from one address: nobody is refused
    for n, email in enumerate(emails):
        assert (await _sign_in(api, email)).status == 200
        if n < accounts.PER_ADDRESS - 1:
            assert (await _sign_in(api, f"typo-{n}@school.example")).status == 401
    assert (await _sign_in(api, "typo-last@school.example")).status == 401  # the 20th failure
    assert (await _sign_in(api, emails[0])).status == 429


async def test_every_route_refuses_a_body_over_the_limit_with_413_json(api: Api) -> None:
    app = api.client.server.app
    limit = app[LIMITS].max_body_bytes
    too_big = b"x" * (limit + 1)
    tried = 0
    for route in app.router.routes():
        info = route.resource.get_info() if route.resource else {}
        path = info.get("path") or info.get("formatter", "")
        path = path.replace("{id:\\d+}", "1").replace("{id}", "1")
        path = path.replace("{tail:.*}", "x").replace("{token}", "t")
        if not path or route.method in ("HEAD", "*"):
            continue
        reply = await api.call(
            route.method, path, data=too_big, headers={"Content-Type": "application/json"}
        )
        assert reply.status == 413, (route.method, path, reply)
        assert reply.error_code == "payload_too_large", (route.method, path, reply.body)
        tried += 1
    assert tried > 30

    # a chunked body (no Content-Length) is cut off once it grows past the limit
    async def chunks():  # type: ignore[no-untyped-def]
        for _ in range(limit // 4096 + 2):
            yield b" " * 4096

    async with aiohttp.ClientSession() as http:
        async with http.post(
            f"{api.url}/api/accounts", data=chunks(), headers={"Content-Type": "application/json"}
        ) as response:
            assert response.status == 413
            assert (await response.json())["error"]["code"] == "payload_too_large"


async def test_write_rates_per_user_and_per_address_answer_429_with_retry_after(
    api: Api,
) -> None:
    app = api.client.server.app
    facilitator = await api.register("facilitator")
    other = await api.register("facilitator")
    app[USER_WRITES].per_minute = 5
    app[ADDRESS_WRITES].per_minute = 3
    made = [await api.call("PUT", "/api/me/mail", as_=facilitator, json={}) for _ in range(5)]
    assert all(r.status != 429 for r in made)
    over = await api.call("PUT", "/api/me/mail", as_=facilitator, json={})
    assert over.status == 429 and over.error_code == "rate_limited"
    assert 1 <= int(over.headers["Retry-After"]) <= 12
    # reads are not limited, nor is another user
    assert (await api.call("GET", "/api/auth/me", as_=facilitator)).status == 200
    assert (await api.call("PUT", "/api/me/mail", as_=other, json={})).status != 429
    # without a sign-in, writes count by address
    anonymous = [await _sign_in(api, f"a-{n}@school.example", "x") for n in range(4)]
    assert [r.status for r in anonymous][:3] != [429] * 3
    assert anonymous[3].status == 429 and "your address" in anonymous[3].body["error"]["message"]


async def test_event_streams_are_capped_per_user_and_in_total(api: Api) -> None:
    app = api.client.server.app
    slots = app[STREAMS]
    slots.per_user, slots.total = 2, 3
    ada, bea = await api.register(), await api.register()
    async with aiohttp.ClientSession() as http:

        async def open_stream(actor):  # type: ignore[no-untyped-def]
            return await http.get(
                f"{api.url}/api/events", headers={"Authorization": f"Bearer {actor.token}"}
            )

        first, second = await open_stream(ada), await open_stream(ada)
        assert first.status == second.status == 200
        third = await open_stream(ada)
        assert third.status == 429 and third.headers["Retry-After"]
        assert (await third.json())["error"]["code"] == "too_many_streams"
        bea_stream = await open_stream(bea)
        assert bea_stream.status == 200
        full = await open_stream(bea)
        assert full.status == 503 and (await full.json())["error"]["code"] == "too_many_streams"
        first.close()
        await asyncio.sleep(0.3)
        again = await open_stream(ada)
        assert again.status == 200
        for response in (second, again, bea_stream):
            response.close()


class _StuckResponse:
    """A stream whose reader never reads: its write never returns. A stand-in because a
    real socket's kernel buffers take megabytes before a write blocks."""

    async def write(self, data: bytes) -> None:
        await asyncio.Event().wait()


async def test_a_reader_that_stops_reading_is_dropped_with_bounded_memory() -> None:
    subscriber = Subscriber(frozenset({"t"}))
    offered = sum(subscriber.offer((n, b"data: x\n\n")) for n in range(1, QUEUE_LIMIT + 500))
    assert offered == QUEUE_LIMIT  # the queue does not grow past its bound
    started = time.monotonic()
    try:
        await realtime._follow(_StuckResponse(), subscriber, 0, write_timeout=0.3)  # type: ignore[arg-type]
    except TimeoutError:
        pass
    else:
        raise AssertionError("a stuck write must end the stream")
    assert time.monotonic() - started < 2
