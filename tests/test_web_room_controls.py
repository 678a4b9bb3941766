"""The room's controls as a person uses them, in Chromium with a fake camera and microphone,
two people in one room against the real stack: on a phone the side panel starts closed and the
controls fit one row (the rest behind "More"); microphone and camera say on or off; a chat
message that arrives while the chat is not on screen puts a badge on Chat; tiles show the
whole frame; single-key shortcuts are listed under "?"; leaving asks first. Screenshots of
each state go to test-artifacts/."""

from __future__ import annotations

import re
import uuid

import aiohttp
from playwright.async_api import Browser, expect

from tests.support.api_client import PASSWORD
from tests.support.browser import (  # noqa: F401  (browser is a fixture)
    DESKTOP,
    PHONE,
    WebUser,
    browser,
    open_user,
)
from tests.support.waiting import eventually
from tests.support.web_api import one_meeting, post_as, register

SEEN_WITHIN_MS = 5_000
ONE_ROW = """() => {
  const nav = document.querySelector('nav.room-controls');
  const shown = [...nav.querySelectorAll('button')].filter(b => b.offsetParent !== null);
  const tops = new Set(shown.map(b => Math.round(b.getBoundingClientRect().top)));
  return { rows: tops.size, fits: nav.scrollWidth <= nav.clientWidth, count: shown.length };
}"""


async def _say(user: WebUser, text: str) -> None:
    box = user.page.get_by_role("textbox", name="Message")
    await box.fill(text)
    await box.press("Enter")


async def test_room_controls_on_a_phone_unread_badge_shortcuts_and_leave(
    browser: Browser,  # noqa: F811
    api_url: str,
    http: aiohttp.ClientSession,
    users: list[WebUser],
) -> None:
    title = f"Controls check {uuid.uuid4().hex[:6]}"
    host_account = await register(http, api_url, "facilitator", "Hana Host")
    guest_account = await register(http, api_url, "participant", "Pim Participant")
    occurrence = await one_meeting(http, api_url, host_account, title, capacity=4)
    await post_as(
        http, f"{api_url}/api/occurrences/{occurrence}/bookings", guest_account["token"], {}
    )
    host = await open_user(browser, api_url, DESKTOP)
    phone = await open_user(browser, api_url, PHONE)
    users.extend([host, phone])
    await host.sign_in(host_account["email"], PASSWORD)
    await phone.sign_in(guest_account["email"], PASSWORD)
    await host.page.goto(f"/room/{occurrence}")
    await phone.page.goto(f"/room/{occurrence}")
    for user in (host, phone):  # the pre-join screen: camera and microphone as they are
        await user.page.get_by_role("button", name="Join", exact=True).click()
    for user in (host, phone):
        await expect(user.page.get_by_role("heading", name=title)).to_be_visible()
    await eventually(phone.remote_video_playing, within=30, what="host's video on the phone")
    page = phone.page

    # a phone: the panel is closed, the video has the screen, the controls are one row
    await expect(page.get_by_role("tab", name="Chat")).to_have_count(0)
    await expect(host.page.get_by_role("tab", name="Chat")).to_be_visible()
    row = await page.evaluate(ONE_ROW)
    assert row["rows"] == 1 and row["fits"], row
    assert await phone.has_no_horizontal_overflow()
    remote_video = page.locator('[data-lk-local-participant="false"] video').first
    assert await remote_video.evaluate("v => getComputedStyle(v).objectFit") == "contain"
    await phone.screenshot("controls-phone-panel-closed")

    # microphone and camera say whether they are on, in their name and their pressed state
    microphone = page.get_by_role("button", name="Microphone on")
    await expect(microphone).to_have_attribute("aria-pressed", "true")
    await microphone.click()
    muted = page.get_by_role("button", name="Microphone off")
    await expect(muted).to_have_attribute("aria-pressed", "false")
    await expect(host.page.get_by_role("button", name="Microphone on")).to_be_visible()
    await phone.screenshot("controls-phone-muted")
    await muted.click()
    await expect(page.get_by_role("button", name="Microphone on")).to_be_visible()
    camera = host.page.get_by_role("button", name="Camera on")
    await camera.click()
    await expect(host.page.get_by_role("button", name="Camera off")).to_have_attribute(
        "aria-pressed", "false"
    )
    await host.page.get_by_role("button", name="Camera off").click()
    await expect(host.page.get_by_role("button", name="Camera on")).to_be_visible()

    # a message while the chat panel is closed: a badge on Chat, gone once it is read
    chat_button = page.get_by_role("button", name="Chat")
    first = f"First from Hana {uuid.uuid4().hex[:6]}"
    await _say(host, first)
    badge = chat_button.locator(".unread-badge")
    await expect(badge).to_have_attribute("data-unread", "1", timeout=SEEN_WITHIN_MS)
    await expect(chat_button).to_have_accessible_name(re.compile(r"^Chat\W+1 unread"))
    await phone.screenshot("controls-phone-unread-badge")
    await chat_button.click()
    await expect(page.get_by_role("log", name="Chat messages")).to_contain_text(first)
    await expect(badge).to_have_count(0)

    # ... and while another tab is shown: on the Chat tab
    await page.get_by_role("tab", name="People").click()
    await _say(host, f"Second from Hana {uuid.uuid4().hex[:6]}")
    tab_badge = page.get_by_role("tab", name="Chat").locator(".unread-badge")
    await expect(tab_badge).to_have_attribute("data-unread", "1", timeout=SEEN_WITHIN_MS)
    await phone.screenshot("controls-phone-unread-on-tab")
    await page.get_by_role("tab", name="Chat").click()
    await expect(tab_badge).to_have_count(0)
    # a message of one's own is never unread
    await page.get_by_role("tab", name="People").click()
    await page.get_by_role("tab", name="Chat").click()
    await _say(phone, "Mine")
    await page.get_by_role("tab", name="People").click()
    await page.wait_for_timeout(500)
    await expect(tab_badge).to_have_count(0)
    await page.get_by_role("button", name="Close the side panel").click()

    # the less used controls sit behind More, still one row
    more = page.get_by_role("button", name="More")
    await expect(page.get_by_role("button", name="Captions")).to_be_hidden()
    await more.click()
    await expect(more).to_have_attribute("aria-expanded", "true")
    for name in ("Captions", "People", "Dictionary", "Blur background"):
        await expect(page.get_by_role("button", name=name)).to_be_visible()
    await phone.screenshot("controls-phone-more-open")
    await page.keyboard.press("Escape")
    await expect(page.get_by_role("button", name="Captions")).to_be_hidden()
    # on a laptop they are all in the row, and there is no More
    await expect(host.page.get_by_role("button", name="Captions")).to_be_visible()
    await expect(host.page.get_by_role("button", name="More")).to_be_hidden()

    # keyboard shortcuts, listed under "?"; never while typing a message
    keys = host.page
    await keys.locator("h1").click()
    await keys.keyboard.press("m")
    await expect(keys.get_by_role("button", name="Microphone off")).to_be_visible()
    await keys.keyboard.press("m")
    await expect(keys.get_by_role("button", name="Microphone on")).to_be_visible()
    await keys.keyboard.press("?")
    help_panel = keys.get_by_role("dialog", name="Keyboard shortcuts")
    await expect(help_panel).to_be_visible()
    await expect(help_panel).to_contain_text("Microphone on or off")
    await host.screenshot("controls-desktop-shortcuts")
    await keys.keyboard.press("Escape")
    await expect(help_panel).to_be_hidden()
    await keys.get_by_role("textbox", name="Message").fill("my mum")
    await expect(keys.get_by_role("button", name="Microphone on")).to_be_visible()
    await expect(keys.get_by_role("textbox", name="Message")).to_have_value("my mum")

    # leaving asks first; staying keeps the call
    await page.get_by_role("button", name="Leave").click()
    await expect(page.get_by_role("group", name="Leave the call?")).to_be_visible()
    await phone.screenshot("controls-phone-leave-confirm")
    await page.get_by_role("button", name="Stay").click()
    await expect(page.get_by_role("group", name="Leave the call?")).to_have_count(0)
    assert await phone.remote_video_playing()
    await page.get_by_role("button", name="Leave").click()
    await page.get_by_role("button", name="Hang up").click()
    await expect(page.get_by_text("You left the room.")).to_be_visible()
    await phone.screenshot("controls-phone-left")
    await host.screenshot("controls-desktop")
