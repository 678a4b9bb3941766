"""Muted, speaking and ending, in Chromium with a fake camera and a fake microphone (it beeps
all the time, which counts as talking), a facilitator and a learner in one room against the
real stack: talking while muted shows "You are muted" (said politely, dismissible, gone on
unmute, and its listening copy of the microphone stopped); a remote tile shows who is
speaking; the learner's leave dialog has no "End meeting for all"; the facilitator's ends the
meeting, the learner's page says so and livekit-server's room is gone; the API refuses the
learner both the end and a way back in. axe-core finds nothing serious in the new states, at
375 and 1440 px. Screenshots of each state go to test-artifacts/."""

from __future__ import annotations

import asyncio
import re
import uuid

import aiohttp
from livekit import api as lkapi
from playwright.async_api import Browser, expect

from tests.support import axe
from tests.support.api_client import PASSWORD
from tests.support.browser import (  # noqa: F401  (browser is a fixture)
    DESKTOP,
    PHONE,
    WebUser,
    browser,
    open_user,
)
from tests.support.stack import RunningStack
from tests.support.waiting import eventually
from tests.support.web_api import one_meeting, post_as, register

HINT = "You are muted. Press M or the microphone button to talk."
SEEN_WITHIN_MS = 10_000
# every copy of an audio track the page makes, so the test can see them stopped
COUNT_CLONES = """
window.audioClones = [];
const clone = MediaStreamTrack.prototype.clone;
MediaStreamTrack.prototype.clone = function () {
  const copy = clone.call(this);
  if (copy.kind === 'audio') window.audioClones.push(copy);
  return copy;
};
"""
LIVE_CLONES = "window.audioClones.filter(t => t.readyState === 'live').length"


async def _status(http: aiohttp.ClientSession, url: str, token: str) -> tuple[int, str]:
    headers = {"Authorization": f"Bearer {token}"}
    async with http.post(url, json={}, headers=headers) as reply:
        body = await reply.json()
        return reply.status, body.get("error", {}).get("code", "")


async def test_muted_hint_speaking_tile_and_end_for_all(
    browser: Browser,  # noqa: F811
    api_url: str,
    stack: RunningStack,
    http: aiohttp.ClientSession,
    users: list[WebUser],
) -> None:
    title = f"End check {uuid.uuid4().hex[:6]}"
    host_account = await register(http, api_url, "facilitator", "Hana Host")
    learner_account = await register(http, api_url, "participant", "Pim Participant")
    occurrence = await one_meeting(http, api_url, host_account, title, capacity=4)
    base = f"{api_url}/api/occurrences/{occurrence}"
    await post_as(http, f"{base}/bookings", learner_account["token"], {})
    room = (await post_as(http, f"{base}/token", learner_account["token"], {}))["room"]
    host = await open_user(browser, api_url, DESKTOP)
    phone = await open_user(browser, api_url, PHONE)
    users.extend([host, phone])
    for user in (host, phone):
        await user.context.add_init_script(COUNT_CLONES)
    await host.sign_in(host_account["email"], PASSWORD)
    await phone.sign_in(learner_account["email"], PASSWORD)
    await host.join_room(occurrence, title)
    await phone.join_room(occurrence, title)
    await eventually(host.remote_video_playing, within=30, what="the learner's video")
    problems: list[str] = []

    # 3. the learner's beeping microphone lights their tile on the facilitator's screen
    speaking = host.page.locator(
        '.lk-participant-tile[data-lk-local-participant="false"][data-lk-speaking="true"]'
    )
    await expect(speaking.first).to_be_visible(timeout=20_000)
    outline = await speaking.first.evaluate(
        "t => parseFloat(getComputedStyle(t, '::after').borderTopWidth)"
    )
    assert outline > 0, outline
    await host.screenshot("room-end-desktop-speaking-tile")

    # 1. talking while muted: "You are muted", politely, on both screen sizes
    for user in (phone, host):
        hint = user.page.get_by_role("status", name="Microphone hint")
        await expect(hint).to_have_text("")
        assert await user.page.evaluate(LIVE_CLONES) == 0
        await user.page.get_by_role("button", name="Microphone on").click()
        await expect(user.page.get_by_role("button", name="Microphone off")).to_be_visible()
        await expect(hint).to_have_text(HINT, timeout=SEEN_WITHIN_MS)
        await expect(hint).to_have_attribute("aria-live", "polite")
        assert await user.page.evaluate(LIVE_CLONES) == 1
    await axe.collect(phone, "room-end-phone-muted-hint", problems)
    await axe.collect(host, "room-end-desktop-muted-hint", problems)
    # ... nothing of it reaches the others: the muted learner's tile stops lighting
    await expect(speaking).to_have_count(0, timeout=SEEN_WITHIN_MS)
    # dismissed, it stays away while still muted
    host_hint = host.page.get_by_role("status", name="Microphone hint")
    await host.page.locator(".muted-hint").get_by_role("button", name="Dismiss").click()
    await expect(host_hint).to_have_text("")
    await host.page.wait_for_timeout(1_500)
    await expect(host_hint).to_have_text("")
    # unmuted (M, or the button): the hint is gone and the listening copy stopped
    await host.page.locator("h1").click()
    await host.page.keyboard.press("m")
    await phone.page.get_by_role("button", name="Microphone off").click()
    for user in (phone, host):
        await expect(user.page.get_by_role("button", name="Microphone on")).to_be_visible()
        await expect(user.page.get_by_role("status", name="Microphone hint")).to_have_text("")
        assert await user.page.evaluate(LIVE_CLONES) == 0
    await expect(speaking.first).to_be_visible(timeout=20_000)

    # 2. the learner may only leave; the facilitator may also end it for everyone
    await phone.page.get_by_role("button", name="Leave").click()
    learner_leave = phone.page.get_by_role("group", name="Leave the call?")
    await expect(learner_leave.get_by_role("button", name="Hang up")).to_be_visible()
    await expect(phone.page.get_by_role("button", name="End meeting for all")).to_have_count(0)
    await learner_leave.get_by_role("button", name="Stay").click()
    assert await _status(http, f"{base}/end", learner_account["token"]) == (403, "wrong_role")

    leave = host.page.get_by_role("button", name="Leave")
    await leave.click()
    await expect(leave).to_have_attribute("aria-expanded", "true")
    choice = host.page.get_by_role("group", name="Leave the call?")
    await expect(choice.get_by_role("button", name="Hang up")).to_be_visible()
    await expect(choice.get_by_role("button", name="End meeting for all")).to_be_visible()
    await axe.collect(host, "room-end-desktop-facilitator-leave", problems)
    await host.page.set_viewport_size(PHONE)
    await expect(choice.get_by_role("button", name="End meeting for all")).to_be_in_viewport()
    assert await host.has_no_horizontal_overflow()
    await axe.collect(host, "room-end-phone-facilitator-leave", problems)
    await host.page.set_viewport_size(DESKTOP)
    await host.page.keyboard.press("Escape")
    await expect(choice).to_have_count(0)
    await leave.click()

    await choice.get_by_role("button", name="End meeting for all").click()
    ended = phone.page.get_by_role("status").filter(has_text="The facilitator ended the meeting.")
    await expect(ended).to_be_visible(timeout=SEEN_WITHIN_MS)
    await expect(
        phone.page.get_by_role("button", name=re.compile("Rejoin|Try again"))
    ).to_have_count(0)
    await expect(phone.page.get_by_role("link", name="Back to your sessions")).to_be_visible()
    await expect(host.page.get_by_text("You ended the meeting for everyone.")).to_be_visible()
    await axe.collect(phone, "room-end-phone-ended", problems)
    await axe.collect(host, "room-end-desktop-ended", problems)

    # the room is gone from livekit-server, and there is no way back in
    server = lkapi.LiveKitAPI(
        stack.settings.http_url, stack.settings.api_key, stack.settings.api_secret
    )
    try:
        for _ in range(50):
            rooms = await server.room.list_rooms(lkapi.ListRoomsRequest(names=[room]))
            if not rooms.rooms:
                break
            await asyncio.sleep(0.2)
        assert list(rooms.rooms) == [], rooms
    finally:
        await server.aclose()
    assert await _status(http, f"{base}/token", learner_account["token"]) == (403, "ended")
    await phone.page.goto(f"/room/{occurrence}")
    await expect(phone.page.get_by_role("alert")).to_contain_text("ended")
    await phone.screenshot("room-end-phone-refused-after-end")

    assert not problems, "\n\n".join(problems)
