"""Times on the dashboards as a person far from the session's zone reads them, in Chromium set
to Tokyo: every time carries its date and the viewer's zone; a meeting days away offers no
Join (nor Open the room) but a countdown to its join window; going to its room anyway says
when it opens, date included; a meeting about to start can be joined. A series is one card
with its meetings inside: one "Cancel series", and a learner books it whole in one click.
Screenshots go to test-artifacts/."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import aiohttp
from playwright.async_api import Browser, BrowserContext, expect

from tests.support.api_client import PASSWORD
from tests.support.browser import ARTIFACTS, DESKTOP, browser  # noqa: F401  (a fixture)
from tests.support.web_api import one_meeting, post_as, register

TOKYO = ZoneInfo("Asia/Tokyo")
JOIN_WINDOW = timedelta(minutes=15)  # COLEARN_JOIN_WINDOW_MINUTES' default


async def _signed_in(browser: Browser, api_url: str, email: str) -> BrowserContext:  # noqa: F811
    context = await browser.new_context(
        base_url=api_url,
        viewport=DESKTOP,  # type: ignore[arg-type]
        timezone_id="Asia/Tokyo",
        locale="en-GB",
    )
    reply = await context.request.post(
        "/api/auth/sign-in", data={"email": email, "password": PASSWORD}
    )
    assert reply.ok, await reply.text()
    return context


def _day_month(at: datetime) -> str:
    """How en-GB writes the date in Tokyo: "9 Dec"."""
    local = at.astimezone(TOKYO)
    return f"{local.day} {local.strftime('%b')}"


async def test_times_have_dates_and_zone_and_join_waits_for_the_window(
    browser: Browser,  # noqa: F811
    api_url: str,
    http: aiohttp.ClientSession,
) -> None:
    far_title = f"Far away talk {uuid.uuid4().hex[:6]}"
    near_title = f"Starting soon {uuid.uuid4().hex[:6]}"
    host = await register(http, api_url, "facilitator", "Hana Host")
    learner = await register(http, api_url, "participant", "Lee Learner")
    far_in = timedelta(days=3, hours=2)
    far_starts = datetime.now(UTC) + far_in
    far = await one_meeting(http, api_url, host, far_title, capacity=3, starts_in=far_in)
    near = await one_meeting(http, api_url, host, near_title, capacity=3)
    for occurrence in (far, near):
        await post_as(
            http, f"{api_url}/api/occurrences/{occurrence}/bookings", learner["token"], {}
        )

    contexts = [
        await _signed_in(browser, api_url, learner["email"]),
        await _signed_in(browser, api_url, host["email"]),
    ]
    try:
        ARTIFACTS.mkdir(exist_ok=True)
        page = await contexts[0].new_page()
        await page.goto("/dashboard")
        upcoming = page.get_by_role("region", name="Your upcoming sessions")
        far_item = upcoming.locator("li", has_text=far_title)
        near_item = upcoming.locator("li", has_text=near_title)
        # the date and the viewer's zone (Tokyo is GMT+9 in en-GB), not a bare time
        far_time = far_item.locator("time").first
        await expect(far_time).to_contain_text(_day_month(far_starts))
        await expect(far_time).to_contain_text("GMT+9")
        await expect(near_item.locator("time").first).to_contain_text("GMT+9")
        # days away: a countdown, no Join; about to start: Join
        await expect(far_item.get_by_role("link", name=f"Join {far_title}")).to_have_count(0)
        await expect(far_item).to_contain_text(re.compile(r"Room opens in 3 d [12] h"))
        await expect(near_item.get_by_role("link", name=f"Join {near_title}")).to_be_visible()
        await page.screenshot(path=str(ARTIFACTS / "times-participant-dashboard.png"))

        # going to the far room anyway: refused, with the date and time it opens
        opens = (far_starts - JOIN_WINDOW).astimezone(TOKYO)
        await page.goto(f"/room/{far}")
        refusal = page.get_by_text("Too early to join")
        await expect(refusal).to_contain_text(_day_month(far_starts - JOIN_WINDOW))
        await expect(refusal).to_contain_text(re.compile(rf"{opens:%H}:{opens:%M}"))
        await expect(refusal).to_contain_text("GMT+9")
        await page.screenshot(path=str(ARTIFACTS / "times-too-early.png"))

        host_page = await contexts[1].new_page()
        await host_page.goto("/dashboard")
        mine = host_page.get_by_role("region", name="Your upcoming meetings")
        far_admin = mine.locator("li[data-occurrence]", has_text=far_title)
        near_admin = mine.locator("li[data-occurrence]", has_text=near_title)
        await expect(far_admin).to_contain_text("Room opens in")
        await expect(
            far_admin.get_by_role("link", name=f"Open the room of {far_title}")
        ).to_have_count(0)
        await expect(
            near_admin.get_by_role("link", name=f"Open the room of {near_title}")
        ).to_be_visible()
        await expect(far_admin.locator("time").first).to_contain_text("GMT+9")
        await host_page.screenshot(path=str(ARTIFACTS / "times-facilitator-dashboard.png"))
    finally:
        for context in contexts:
            await context.close()


async def test_a_series_is_one_card_booked_whole_in_one_click(
    browser: Browser,  # noqa: F811
    api_url: str,
    http: aiohttp.ClientSession,
) -> None:
    title = f"Weekly series {uuid.uuid4().hex[:6]}"
    host = await register(http, api_url, "facilitator", "Hana Host")
    learner = await register(http, api_url, "participant", "Lee Learner")
    await post_as(
        http,
        api_url + "/api/sessions",
        host["token"],
        {
            "title": title,
            "timezone": "Europe/Berlin",
            "starts_at": (datetime.now(UTC) + timedelta(days=1)).isoformat(),
            "duration_minutes": 60,
            "capacity": 4,
            "recurrence": {"frequency": "weekly", "count": 3},
        },
    )
    contexts = [
        await _signed_in(browser, api_url, host["email"]),
        await _signed_in(browser, api_url, learner["email"]),
    ]
    try:
        host_page = await contexts[0].new_page()
        await host_page.goto("/dashboard")
        card = host_page.get_by_role("group", name=title)
        await expect(card).to_contain_text("series of 3 meetings")
        await expect(card.locator("li[data-occurrence]")).to_have_count(3)
        await expect(card.get_by_role("button", name="Cancel series")).to_have_count(1)
        await expect(card.get_by_role("button", name="Cancel meeting")).to_have_count(3)
        await host_page.screenshot(path=str(ARTIFACTS / "series-facilitator.png"))

        page = await contexts[1].new_page()
        await page.goto("/dashboard")
        offer = page.get_by_role("region", name="Open to book").get_by_role("group", name=title)
        await expect(offer.locator("li[data-occurrence]")).to_have_count(3)
        await page.screenshot(path=str(ARTIFACTS / "series-open-to-book.png"))
        await offer.get_by_role("button", name=f"Book the whole series: {title}").click()
        await expect(offer.get_by_text("All booked")).to_be_visible()
        await expect(offer.get_by_text("Booked", exact=True)).to_have_count(3)
        upcoming = page.get_by_role("region", name="Your upcoming sessions")
        await expect(upcoming.locator("li", has_text=title)).to_have_count(3)
        await page.screenshot(path=str(ARTIFACTS / "series-booked.png"))
    finally:
        for context in contexts:
            await context.close()
