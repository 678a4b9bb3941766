"""The dashboard after its live stream was away a long while, in Chromium: reconnected, it
shows what changed meanwhile, even when the change is older than the stream replays a
person's own events (the API says so in its ready message; the page reads its lists
again)."""

from __future__ import annotations

import uuid
from datetime import timedelta

import aiohttp
from aiohttp import web
from playwright.async_api import Browser, expect

from api.keys import EVENTS
from api.realtime import OWN_REPLAY_WINDOW
from tests.support import peek
from tests.support.api_client import PASSWORD
from tests.support.browser import WebUser, browser, open_user  # noqa: F401  (a fixture)
from tests.support.stack import RunningStack
from tests.support.web_api import one_meeting, post_as, register

# EventSource waits about 3 s before it reconnects, then the page reads its lists
BACK_WITHIN_MS = 15_000


async def test_back_online_the_dashboard_shows_a_meeting_cancelled_long_ago(
    browser: Browser,  # noqa: F811
    api_url: str,
    api_app: web.Application,
    stack: RunningStack,
    http: aiohttp.ClientSession,
    users: list[WebUser],
) -> None:
    title = f"Evening reading {uuid.uuid4().hex[:6]}"
    host = await register(http, api_url, "facilitator", "Hana Host")
    occurrence = await one_meeting(
        http, api_url, host, title, capacity=5, starts_in=timedelta(days=1)
    )
    lee = await register(http, api_url, "participant", "Lee Reader")
    await post_as(http, f"{api_url}/api/occurrences/{occurrence}/bookings", lee["token"], {})

    reader = await open_user(browser, api_url)
    users.append(reader)
    await reader.sign_in(lee["email"], PASSWORD)
    await reader.page.goto("/dashboard")
    upcoming = reader.page.get_by_role("region", name="Your upcoming sessions")
    await expect(upcoming.get_by_text(title)).to_be_visible()
    await reader.page.wait_for_timeout(1_000)  # its live stream is open

    # The stream drops (as when the laptop sleeps); the browser comes back in about 3 s.
    api_app[EVENTS].close_all()
    headers = {"Authorization": f"Bearer {host['token']}"}
    async with http.delete(f"{api_url}/api/occurrences/{occurrence}", headers=headers) as reply:
        assert reply.status == 200, await reply.text()
    # then a busy evening of other people's bookings: more than the stream replays of
    # Lee's own events, so the cancellation is not among them
    await peek.fill_events(stack.db_url, OWN_REPLAY_WINDOW + 10, "user:0", "booking.booked")

    await expect(upcoming.get_by_text(title)).to_have_count(0, timeout=BACK_WITHIN_MS)
