"""The web page end to end in Chromium, against the real API, livekit-server and agent.

What a person notices: a facilitator creates a recurring session; seats left drop on another
person's screen without a reload; two people in a room see each other's video, chat (stored,
and /define answered there), blur their background; nothing is fetched from off the machine;
phone and desktop layouts fit their width. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
from playwright.async_api import Browser, Page, expect

from db import Database
from db.chat import messages_after
from tests.support.api_client import PASSWORD
from tests.support.browser import (  # noqa: F401  (browser is a fixture)
    DESKTOP,
    PHONE,
    WebUser,
    browser,
    close_all,
    open_user,
)
from tests.support.stack import RunningStack
from tests.support.waiting import eventually
from tests.support.web_api import post_as, register

SEEN_WITHIN_MS = 5_000


async def _open(chromium: Browser, api_url: str, users: list[WebUser], viewport: Any) -> WebUser:
    user = await open_user(chromium, api_url, viewport)
    users.append(user)
    return user


def _meeting(page: Page, title: str, section: str) -> Any:
    region = page.get_by_role("region", name=section)
    return region.locator("li", has_text=title).first


async def _fits(user: WebUser, name: str) -> None:
    assert await user.has_no_horizontal_overflow(), f"{name} scrolls sideways"
    await user.screenshot(name)


async def test_a_booking_lowers_seats_left_on_another_screen_without_reload(
    browser: Browser,  # noqa: F811
    api_url: str,
    http: aiohttp.ClientSession,
    users: list[WebUser],
) -> None:
    title = f"Weekly conversation {uuid.uuid4().hex[:6]}"
    facilitator = await _open(browser, api_url, users, DESKTOP)
    page = facilitator.page
    await page.goto("/sign-up")
    await page.get_by_label("Your name").fill("Fay Facilitator")
    await page.get_by_label("Email").fill(f"fay-{uuid.uuid4().hex[:8]}@example.org")
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_label("run sessions (facilitator)").check()
    await page.get_by_role("button", name="Create account").click()
    await expect(page.get_by_role("heading", name="Hello, Fay Facilitator")).to_be_visible()

    soon = await page.evaluate(
        """() => { const d = new Date(Date.now() + 10 * 60000); const p = n => String(n)
        .padStart(2, '0'); return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`
        + `T${p(d.getHours())}:${p(d.getMinutes())}`; }"""
    )
    await page.get_by_label("Title").fill(title)
    await page.get_by_label("Topic").fill("travel")
    await page.get_by_label("Starts").fill(soon)
    await page.get_by_label("Seats").fill("6")
    await page.get_by_label("Repeats").select_option("weekly")
    await page.get_by_label("Number of meetings").fill("4")
    await page.get_by_role("button", name="Create session").click()
    await expect(page.get_by_text(f'Created "{title}" with 4 meeting(s).')).to_be_visible()
    first = _meeting(page, title, "Your upcoming meetings")
    await expect(first.get_by_text("6 of 6 seats left")).to_be_visible()

    booker_account = await register(http, api_url, "participant", "Ana Booker")
    watcher_account = await register(http, api_url, "participant", "Wes Watcher")
    booker = await _open(browser, api_url, users, PHONE)
    watcher = await _open(browser, api_url, users, DESKTOP)
    await booker.sign_in(booker_account["email"], PASSWORD)
    await watcher.sign_in(watcher_account["email"], PASSWORD)
    await watcher.page.goto("/dashboard")
    watched = _meeting(watcher.page, title, "Open to book")
    await expect(watched.get_by_text("6 of 6 seats left")).to_be_visible()
    await watcher.page.evaluate("window.__sameDocument = true")

    await booker.page.goto("/dashboard")
    await _meeting(booker.page, title, "Open to book").get_by_role("button", name="Book").click()
    upcoming = _meeting(booker.page, title, "Your upcoming sessions")
    await expect(upcoming.get_by_role("link", name=f"Join {title}")).to_be_visible()

    await expect(watched.get_by_text("5 of 6 seats left")).to_be_visible(timeout=SEEN_WITHIN_MS)
    assert await watcher.page.evaluate("window.__sameDocument === true"), "the page reloaded"
    await expect(first.get_by_text("5 of 6 seats left")).to_be_visible(timeout=SEEN_WITHIN_MS)

    await _fits(booker, "dashboard-phone")
    await _fits(watcher, "dashboard-desktop")
    await _fits(facilitator, "facilitator-dashboard-desktop")
    for user in users:
        assert user.remote_requests() == []


async def test_two_people_meet_in_the_room_chat_define_and_blur(
    browser: Browser,  # noqa: F811
    api_url: str,
    stack: RunningStack,
    http: aiohttp.ClientSession,
    users: list[WebUser],
) -> None:
    title = f"Room check {uuid.uuid4().hex[:6]}"
    host_account = await register(http, api_url, "facilitator", "Hana Host")
    guest_account = await register(http, api_url, "participant", "Pim Participant")
    starts = datetime.now(UTC) + timedelta(minutes=5)
    session = await post_as(
        http,
        api_url + "/api/sessions",
        host_account["token"],
        {
            "title": title,
            "timezone": "Europe/Berlin",
            "starts_at": starts.isoformat(),
            "duration_minutes": 60,
            "capacity": 4,
        },
    )
    occurrence_id = session["occurrences"][0]["id"]
    await post_as(
        http,
        f"{api_url}/api/occurrences/{occurrence_id}/bookings",
        guest_account["token"],
        {},
    )

    host = await _open(browser, api_url, users, DESKTOP)
    guest = await _open(browser, api_url, users, PHONE)
    await host.sign_in(host_account["email"], PASSWORD)
    await guest.sign_in(guest_account["email"], PASSWORD)
    await host.page.goto("/dashboard")
    await guest.page.goto("/dashboard")
    await host.page.get_by_role("link", name=f"Open the room of {title}").click()
    await guest.page.get_by_role("link", name=f"Join {title}").click()
    for user in (host, guest):  # the pre-join screen: camera and microphone as they are
        await user.page.get_by_role("button", name="Join", exact=True).click()
    for user in (host, guest):
        await expect(user.page.get_by_role("heading", name=title)).to_be_visible()
    await eventually(host.remote_video_playing, within=30, what="guest's video at the host")
    await eventually(guest.remote_video_playing, within=30, what="host's video at the guest")
    # on a phone the side panel starts closed: the guest opens the chat
    await guest.page.get_by_role("button", name="Chat").click()

    hello = f"Hello from Hana {uuid.uuid4().hex[:6]}"
    await host.page.get_by_role("textbox", name="Message").fill(hello)
    await host.page.get_by_role("textbox", name="Message").press("Enter")
    guest_chat = guest.page.get_by_role("log", name="Chat messages")
    await expect(guest_chat).to_contain_text(hello, timeout=SEEN_WITHIN_MS)

    async def stored() -> bool:
        db = await Database.open(stack.db_url, run_migrations=False)
        try:
            found = await messages_after(db, occurrence_id=occurrence_id)
        finally:
            await db.aclose()
        return any(m.body == hello and m.sender_name == "Hana Host" for m in found)

    await eventually(stored, within=10, what="the chat message in the database")

    await guest.page.get_by_role("textbox", name="Message").fill("/define serendipity")
    await guest.page.get_by_role("textbox", name="Message").press("Enter")
    # the agent answers the asker only, in the chat, as Co~Learn
    answer = guest_chat.locator(".chat-line.agent", has_text="(noun)")
    await expect(answer).to_contain_text("serendipity", timeout=15_000)
    await expect(answer).to_contain_text("Co~Learn")

    blur = host.page.get_by_role("button", name="Blur background")
    await blur.click()
    await expect(host.page.locator("[data-blur]")).to_have_attribute(
        "data-blur", "on", timeout=60_000
    )
    await host.screenshot("room-desktop-blurred")
    await host.page.locator("[data-blur]").click()
    await expect(host.page.locator("[data-blur]")).to_have_attribute("data-blur", "off")
    assert any(url.endswith("/mediapipe/selfie_segmentation.tflite") for url in host.requests)

    await _fits(host, "room-desktop")
    await _fits(guest, "room-phone")
    for user in (host, guest):
        assert user.remote_requests() == [], user.remote_requests()
