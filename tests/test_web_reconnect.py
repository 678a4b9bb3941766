"""The dashboard after its live stream was away a long while, in Chromium: reconnected, it
shows what changed meanwhile, even when the change is older than the stream replays a
person's own events (the API says so in its ready message; the page reads its lists
again). And the room while its connection to LiveKit is down for 10 s: an overlay counts the
seconds, and goes once the call is back."""

from __future__ import annotations

import re
import time
import uuid
from datetime import timedelta

import aiohttp
from aiohttp import web
from playwright.async_api import Browser, WebSocketRoute, expect

from api.keys import EVENTS
from api.realtime import OWN_REPLAY_WINDOW
from tests.support import peek
from tests.support.api_client import PASSWORD
from tests.support.browser import WebUser, browser, open_user  # noqa: F401  (a fixture)
from tests.support.stack import RunningStack
from tests.support.waiting import eventually
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


# LiveKit's signal connection (ws://.../rtc?access_token=...), the one the page's room lives on
SIGNAL = re.compile(r"/rtc(/|\?|$)")
DOWN_FOR_S = 10


async def test_room_says_reconnecting_with_the_seconds_and_comes_back(
    browser: Browser,  # noqa: F811
    api_url: str,
    http: aiohttp.ClientSession,
    users: list[WebUser],
) -> None:
    title = f"Shaky line {uuid.uuid4().hex[:6]}"
    host = await register(http, api_url, "facilitator", "Hana Host")
    occurrence = await one_meeting(http, api_url, host, title, capacity=4)
    user = await open_user(browser, api_url)
    users.append(user)
    await user.sign_in(host["email"], PASSWORD)

    # The page's connection to LiveKit passes through Playwright, which can cut it and leave
    # new ones unanswered (a dropped network, as the page sees it: its socket closes, and
    # reconnecting times out) and then let them through again.
    down = False
    open_sockets: list[tuple[WebSocketRoute, WebSocketRoute]] = []

    def signal(socket: WebSocketRoute) -> None:
        if down:
            return  # a black hole, as a dropped network is: nothing comes back
        open_sockets.append((socket, socket.connect_to_server()))

    await user.context.route_web_socket(SIGNAL, signal)
    page = user.page
    await page.goto(f"/room/{occurrence}")
    await page.get_by_role("button", name="Join", exact=True).click()
    await expect(page.get_by_role("heading", name=title)).to_be_visible()
    banner = page.locator(".connection-state")
    await expect(banner).to_have_attribute("data-state", "connected", timeout=15_000)
    assert open_sockets, "the room's signal connection did not go through the route"
    await expect(page.get_by_role("button", name="Camera on")).to_be_visible()
    await page.wait_for_timeout(2_000)  # camera and microphone published

    down = True
    dropped = time.monotonic()
    for page_side, server_side in open_sockets:
        await server_side.close()
        await page_side.close()
    overlay = page.locator(".reconnect-overlay")
    await expect(overlay).to_be_visible(timeout=10_000)
    await expect(banner).to_have_text("Connection lost. Reconnecting…")
    await expect(overlay).to_contain_text(re.compile(r"Reconnecting… \d+ s"))
    # the count goes on, second by second, and says so
    first = int(await overlay.get_attribute("data-elapsed") or 0)

    async def counted_on() -> bool:
        return int(await overlay.get_attribute("data-elapsed") or 0) >= first + 2

    await eventually(counted_on, within=5, what="the seconds to count on")
    shows_count = "e => e.textContent.includes(`Reconnecting… ${e.dataset.elapsed} s`)"
    assert await overlay.evaluate(shows_count)
    await user.screenshot("room-reconnecting")
    left = DOWN_FOR_S - (time.monotonic() - dropped)
    await page.wait_for_timeout(max(0, left) * 1000)
    assert await overlay.is_visible(), "the room gave up before the network came back"

    # livekit-client first tries to resume, then rejoins (about 20 s later here)
    down = False
    await expect(overlay).to_have_count(0, timeout=45_000)
    await expect(banner).to_have_attribute("data-state", "connected")
    await expect(banner).to_have_text("Reconnected.")
    await user.screenshot("room-reconnected")
