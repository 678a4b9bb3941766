"""axe-core on every page a person sees, in Chromium at a phone's and a laptop's width: the
landing page, both dashboards and the room with two people in it (chat, people, shortcut
help, the phone's More menu, the leave question). Serious or critical violations (what
blocks a screen-reader, keyboard or low-vision user) must be none. Screenshots of each state
go to test-artifacts/."""

from __future__ import annotations

import uuid
from typing import Any

import aiohttp
import pytest
from playwright.async_api import Browser, expect

from tests.support.api_client import PASSWORD
from tests.support.axe import describe, violations
from tests.support.browser import (  # noqa: F401  (browser is a fixture)
    DESKTOP,
    PHONE,
    WebUser,
    browser,
    open_user,
)
from tests.support.waiting import eventually
from tests.support.web_api import one_meeting, post_as, register

VIEWPORTS = {"phone": PHONE, "desktop": DESKTOP}


async def _check(user: WebUser, state: str, problems: list[str]) -> None:
    """Every state is checked before the test fails, so one run lists all that is wrong."""
    await user.screenshot(f"a11y-{state}")
    found = await violations(user.page)
    if found:
        problems.append(f"{state}:\n{describe(found)}")


async def _open_chat(user: WebUser) -> None:
    """On a phone the side panel starts closed."""
    if not await user.page.get_by_role("tab", name="Chat").is_visible():
        await user.page.get_by_role("button", name="Chat").click()
    await expect(user.page.get_by_role("tab", name="Chat")).to_be_visible()


@pytest.mark.parametrize("width", ["phone", "desktop"])
async def test_no_serious_accessibility_violations_on_any_page(
    width: str,
    browser: Browser,  # noqa: F811
    api_url: str,
    http: aiohttp.ClientSession,
    users: list[WebUser],
) -> None:
    viewport: Any = VIEWPORTS[width]
    problems: list[str] = []
    title = f"Accessible talk {uuid.uuid4().hex[:6]}"
    host_account = await register(http, api_url, "facilitator", "Hana Host")
    guest_account = await register(http, api_url, "participant", "Pim Participant")
    occurrence = await one_meeting(http, api_url, host_account, title, capacity=4)
    await post_as(
        http, f"{api_url}/api/occurrences/{occurrence}/bookings", guest_account["token"], {}
    )

    visitor = await open_user(browser, api_url, viewport)
    users.append(visitor)
    await visitor.page.goto("/")
    await expect(visitor.page.get_by_role("heading", name="Sign in", exact=True)).to_be_visible()
    # the landing page says what Co~Learn is before it asks to sign in
    await expect(visitor.page.get_by_role("heading", level=1)).to_contain_text(
        "practise a language"
    )
    await _check(visitor, f"landing-{width}", problems)

    host = await open_user(browser, api_url, viewport)
    guest = await open_user(browser, api_url, viewport)
    users.extend([host, guest])
    await host.sign_in(host_account["email"], PASSWORD)
    await guest.sign_in(guest_account["email"], PASSWORD)
    await host.page.goto("/dashboard")
    await guest.page.goto("/dashboard")
    await expect(host.page.get_by_role("link", name=f"Open the room of {title}")).to_be_visible()
    await expect(guest.page.get_by_role("link", name=f"Join {title}")).to_be_visible()
    await _check(host, f"facilitator-dashboard-{width}", problems)
    await _check(guest, f"participant-dashboard-{width}", problems)

    await host.page.get_by_role("link", name=f"Open the room of {title}").click()
    await guest.page.get_by_role("link", name=f"Join {title}").click()
    for user in (host, guest):  # the pre-join screen (its own axe check: test_web_prejoin.py)
        await user.page.get_by_role("button", name="Join", exact=True).click()
    for user in (host, guest):
        await expect(user.page.get_by_role("heading", name=title)).to_be_visible()
    await eventually(host.remote_video_playing, within=30, what="guest's video at the host")
    await _check(guest, f"room-{width}", problems)
    await _open_chat(guest)
    await guest.page.get_by_role("textbox", name="Message").fill("Hello, accessible world")
    await guest.page.get_by_role("textbox", name="Message").press("Enter")
    await _open_chat(host)
    await expect(host.page.get_by_role("log", name="Chat messages")).to_contain_text(
        "Hello, accessible world", timeout=5_000
    )
    await _check(host, f"room-chat-{width}", problems)
    await host.page.get_by_role("tab", name="People").click()
    await _check(host, f"room-people-{width}", problems)
    await host.page.locator("h1").click()
    await host.page.keyboard.press("?")
    await expect(host.page.get_by_role("dialog", name="Keyboard shortcuts")).to_be_visible()
    await _check(host, f"room-shortcuts-{width}", problems)
    await host.page.keyboard.press("Escape")
    more = host.page.get_by_role("button", name="More")
    if await more.is_visible():  # a phone: the less used controls are behind More
        await more.click()
        await expect(host.page.get_by_role("button", name="Captions")).to_be_visible()
        await _check(host, f"room-more-{width}", problems)
        await host.page.keyboard.press("Escape")
    await host.page.get_by_role("button", name="Leave").click()
    await expect(host.page.get_by_role("group", name="Leave the call?")).to_be_visible()
    await _check(host, f"room-leave-{width}", problems)
    assert problems == [], "\n".join(problems)
