"""The pre-join screen as a learner meets it, in Chromium against the real stack: with the fake
camera and microphone the preview plays and the microphone level moves; joining with the camera
off means the others get no video from this learner; the microphone can be switched inside the
room; a screen share turns the speaker layout on by itself and a tile can be pinned; the
choices are remembered, so the second visit joins in one click. Without permission,
or without any device, the screen says so (each in its own words) and still lets the learner
join without them. axe finds nothing serious on the screen at 375 and 1440 px. Screenshots of
each state go to test-artifacts/."""

from __future__ import annotations

import uuid
import wave
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import numpy as np
import pytest
import pytest_asyncio
from playwright.async_api import Browser, Page, expect

from tests.support import axe
from tests.support.api_client import PASSWORD
from tests.support.browser import (  # noqa: F401  (browser is a fixture)
    CHROMIUM,
    DESKTOP,
    FLAGS,
    PHONE,
    WebUser,
    browser,
    chromium,
    open_user,
)
from tests.support.web_api import one_meeting, post_as, register

JOIN = {"name": "Join", "exact": True}
PREVIEW_PLAYING = """() => {
  const v = document.querySelector('.prejoin-video video');
  return !!v && !v.paused && v.readyState >= 2 && v.videoWidth > 0;
}"""
REMOTE_TILES = "[data-lk-local-participant='false'][data-lk-source='camera']"


async def _meeting_with_learner(
    http: aiohttp.ClientSession, api_url: str, name: str
) -> tuple[dict, dict, int, str]:
    title = f"Pre-join {uuid.uuid4().hex[:6]}"
    host = await register(http, api_url, "facilitator", "Hana Host")
    learner = await register(http, api_url, "participant", name)
    occurrence = await one_meeting(http, api_url, host, title, capacity=4)
    await post_as(http, f"{api_url}/api/occurrences/{occurrence}/bookings", learner["token"], {})
    return host, learner, occurrence, title


async def _no_serious_violations(user: WebUser, name: str) -> None:
    found = await axe.violations(user.page)
    await user.screenshot(name)
    assert not found, f"{name}:\n{axe.describe(found)}"


async def _meter_range(page: Page, enough: float = 0.05) -> float:
    """How far the microphone level moved, sampled ten times a second for up to six seconds
    (the fake microphone beeps about once a second; a loaded machine may start it late)."""
    seen: list[float] = []
    for _ in range(60):
        seen.append(float(await page.locator("#mic-level").evaluate("m => m.value")))
        if max(seen) - min(seen) > enough:
            break
        await page.wait_for_timeout(100)
    return max(seen) - min(seen)


def _talking(path: Path) -> Path:
    """Two seconds of a 440 Hz tone switched on and off every quarter second."""
    rate = 48_000
    t = np.arange(2 * rate) / rate
    tone = 0.5 * np.sin(2 * np.pi * 440 * t) * ((t * 4).astype(int) % 2 == 0)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes((tone * 32767).astype(np.int16).tobytes())
    return path


@pytest_asyncio.fixture(loop_scope="session")
async def talking_browser(tmp_path: Path) -> AsyncIterator[Browser]:
    """Chromium whose fake microphone plays a file of its own. Its default fake microphone
    beeps only while a fake camera captures (the beeps are timed by the fake video frames),
    so with the camera off it is silent: no way to see that the microphone kept going."""
    audio = f"--use-file-for-fake-audio-capture={_talking(tmp_path / 'talk.wav')}"
    async with chromium([audio]) as launched:
        yield launched


async def test_prejoin_preview_camera_off_device_switch_and_remembered_choices(
    browser: Browser,  # noqa: F811
    talking_browser: Browser,
    api_url: str,
    http: aiohttp.ClientSession,
    users: list[WebUser],
) -> None:
    host_account, account, occurrence, title = await _meeting_with_learner(
        http, api_url, "Lee Learner"
    )
    host = await open_user(browser, api_url, DESKTOP)
    learner = await open_user(talking_browser, api_url, DESKTOP)
    users.extend([host, learner])
    await host.sign_in(host_account["email"], PASSWORD)
    await learner.sign_in(account["email"], PASSWORD)
    await host.page.goto(f"/room/{occurrence}")
    await host.page.get_by_role("button", **JOIN).click()
    await expect(host.page.get_by_role("button", name="Camera on")).to_be_visible()

    # the preview: own camera playing, the microphone level moving, the name others will see
    page = learner.page
    await page.goto(f"/room/{occurrence}")
    await expect(page.get_by_role("heading", name=title)).to_be_visible()
    await expect(page.get_by_text("Others will see you as Lee Learner.")).to_be_visible()
    await page.wait_for_function(PREVIEW_PLAYING, timeout=15_000)
    assert await _meter_range(page) > 0.05, "the microphone level never moved"
    await expect(page.get_by_role("combobox", name="Camera")).to_be_enabled()
    await expect(page.get_by_role("combobox", name="Microphone")).to_be_enabled()
    await _no_serious_violations(learner, "prejoin-devices-1440")
    await page.set_viewport_size(PHONE)
    assert await learner.has_no_horizontal_overflow()
    await _no_serious_violations(learner, "prejoin-devices-375")
    await page.set_viewport_size(DESKTOP)

    # join with the camera off: the host sees the learner's tile, but never any video from it
    await page.get_by_role("checkbox", name="Camera on").uncheck()
    await expect(page.get_by_text("Camera off", exact=True)).to_be_visible()
    assert await _meter_range(page) > 0.05, "the microphone stopped with the camera"
    await learner.screenshot("prejoin-camera-off")
    await page.get_by_role("button", **JOIN).click()
    await expect(page.get_by_role("button", name="Camera off")).to_be_visible()
    await expect(page.get_by_role("button", name="Microphone on")).to_be_visible()
    await expect(host.page.locator(REMOTE_TILES)).to_have_count(1, timeout=15_000)
    await host.page.wait_for_timeout(2_000)
    assert not await host.remote_video_playing(), "the host sees video from a camera left off"
    assert await host.page.locator(f"{REMOTE_TILES} video").evaluate_all(
        "vs => vs.every(v => !v.srcObject || v.videoWidth === 0)"
    )

    # switch the microphone inside the room, without leaving
    more = page.get_by_role("button", name="More")
    if await more.is_visible():
        await more.click()
    await page.get_by_role("button", name="Devices").click()
    microphone = page.get_by_role("combobox", name="Microphone")
    await expect(microphone.locator("option")).not_to_have_count(0)
    options = await microphone.locator("option").evaluate_all("os => os.map(o => o.value)")
    assert len(options) >= 2, f"Chromium's fake microphones: {options}"
    before = await microphone.input_value()
    other = next(o for o in options if o != before)
    await microphone.select_option(other)
    await expect(microphone).to_have_value(other)
    await learner.screenshot("room-device-switch")
    await page.get_by_role("button", name="Done").click()
    await expect(page.get_by_role("button", name="Microphone on")).to_be_visible()

    # the speaker layout: a screen share takes the stage by itself; any tile can be pinned
    area = page.locator(".video-area")
    focused = page.locator(".lk-focus-layout > .lk-participant-tile")
    await expect(area).to_have_attribute("data-layout", "grid")
    await host.page.get_by_role("button", name="Share screen").click()
    await expect(area).to_have_attribute("data-layout", "speaker", timeout=15_000)
    await expect(focused).to_have_attribute("data-lk-source", "screen_share")
    await _no_serious_violations(learner, "room-speaker-layout-screen-share")
    await host.page.get_by_role("button", name="Share screen").click()  # stops sharing
    await expect(page.locator(".lk-participant-tile[data-lk-source='screen_share']")).to_have_count(
        0, timeout=15_000
    )
    await page.get_by_role("button", name="Pin Hana Host", exact=True).click()
    await expect(page.get_by_role("button", name="Unpin Hana Host", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    await expect(focused).to_have_attribute("data-lk-source", "camera")
    await expect(focused).to_contain_text("Hana Host")
    await learner.screenshot("room-pinned")
    await page.get_by_role("button", name="Speaker view").click()
    await expect(area).to_have_attribute("data-layout", "grid")

    # the second visit: the same choices, one click on Join
    await page.get_by_role("button", name="Leave").click()
    await page.get_by_role("button", name="Hang up").click()
    await expect(page.get_by_text("You left the room.")).to_be_visible()
    await page.goto(f"/room/{occurrence}")
    await expect(page.get_by_role("checkbox", name="Camera on")).not_to_be_checked()
    await expect(page.get_by_role("combobox", name="Microphone")).to_have_value(other)
    await learner.screenshot("prejoin-remembered")
    await page.get_by_role("button", **JOIN).click()
    await expect(page.get_by_role("button", name="Camera off")).to_be_visible()
    await expect(page.get_by_role("button", name="Microphone on")).to_be_visible()


async def test_background_blur_chosen_before_joining_carries_into_the_room(
    browser: Browser,  # noqa: F811
    api_url: str,
    http: aiohttp.ClientSession,
    users: list[WebUser],
) -> None:
    _, account, occurrence, _title = await _meeting_with_learner(http, api_url, "Bea Blur")
    learner = await open_user(browser, api_url, DESKTOP)
    users.append(learner)
    await learner.sign_in(account["email"], PASSWORD)
    page = learner.page
    await page.goto(f"/room/{occurrence}")
    await page.wait_for_function(PREVIEW_PLAYING, timeout=15_000)
    preview = page.locator(".prejoin-video")
    await expect(preview).to_have_attribute("data-blur", "off")
    await page.get_by_role("checkbox", name="Blur background").check()
    # MediaPipe's first blurred frame (its WASM and model come from this server)
    await expect(preview).to_have_attribute("data-blur", "on", timeout=60_000)
    await expect(page.get_by_role("status").filter(has_text="Background blurred")).to_be_visible()
    await _no_serious_violations(learner, "prejoin-blurred")

    # into the room blurred, without pressing anything again
    await page.get_by_role("button", **JOIN).click()
    await expect(page.locator("[data-blur]")).to_have_attribute("data-blur", "on", timeout=60_000)
    await expect(page.get_by_role("button", name="Blur on")).to_have_attribute(
        "aria-pressed", "true"
    )
    # turned off in the room, and the next visit's preview remembers that
    await page.get_by_role("button", name="Blur on").click()
    await expect(page.locator("[data-blur]")).to_have_attribute("data-blur", "off")
    await page.get_by_role("button", name="Leave").click()
    await page.get_by_role("button", name="Hang up").click()
    await page.goto(f"/room/{occurrence}")
    await expect(page.get_by_role("checkbox", name="Blur background")).not_to_be_checked()


async def test_prejoin_says_when_camera_and_microphone_are_blocked(
    browser: Browser,  # noqa: F811
    api_url: str,
    http: aiohttp.ClientSession,
) -> None:
    _, account, occurrence, title = await _meeting_with_learner(http, api_url, "Bo Blocked")
    # a browser that asks before giving the camera (no --use-fake-ui-for-media-stream) and a
    # context that was never granted it: headless Chromium answers the prompt with a refusal
    flags = [f for f in FLAGS if f != "--use-fake-ui-for-media-stream"]
    asking = await browser.browser_type.launch(
        executable_path=str(CHROMIUM), args=flags, headless=True
    )
    try:
        context = await asking.new_context(base_url=api_url, viewport=DESKTOP)  # type: ignore[arg-type]
        user = WebUser(context, await context.new_page())
        await user.sign_in(account["email"], PASSWORD)
        await user.page.goto(f"/room/{occurrence}")
        problem = user.page.get_by_role("alert")
        await expect(problem.get_by_role("heading")).to_have_text(
            "Camera and microphone are blocked", timeout=15_000
        )
        await expect(problem).to_contain_text("address bar")
        await _no_serious_violations(user, "prejoin-permission-denied")
        # the learner can still join, with both off
        await user.page.get_by_role("button", **JOIN).click()
        await expect(user.page.get_by_role("button", name="Camera off")).to_be_visible()
        await expect(user.page.get_by_role("button", name="Microphone off")).to_be_visible()
        await expect(user.page.get_by_role("heading", name=title)).to_be_visible()
    finally:
        await asking.close()


# Chromium's fake devices always list a camera and microphones, and it has no flag for "none",
# for "in use by another app" or for a browser without WebRTC; so these pages' navigator answers
# as such a computer would: an empty device list and NotFoundError from getUserMedia (what
# Chromium itself throws then), NotReadableError (what it throws when another app holds the
# camera), or no RTCPeerConnection at all.
NO_DEVICES = """
(() => {
  navigator.mediaDevices.enumerateDevices = async () => [];
  navigator.mediaDevices.getUserMedia = async () => {
    throw new DOMException('Requested device not found', 'NotFoundError');
  };
})();
"""
IN_USE = """
navigator.mediaDevices.getUserMedia = async () => {
  throw new DOMException('Could not start video source', 'NotReadableError');
};
"""
NO_WEBRTC = "delete window.RTCPeerConnection; delete window.webkitRTCPeerConnection;"
STATES = {
    "no-device": (NO_DEVICES, "No camera or microphone found"),
    "in-use": (IN_USE, "Camera or microphone in use"),
    "no-webrtc": (NO_WEBRTC, "This browser cannot join video calls"),
}


@pytest.mark.parametrize("state", list(STATES))
async def test_prejoin_says_what_is_missing_and_what_to_do(
    browser: Browser,  # noqa: F811
    api_url: str,
    http: aiohttp.ClientSession,
    users: list[WebUser],
    state: str,
) -> None:
    script, heading = STATES[state]
    _, account, occurrence, _ = await _meeting_with_learner(http, api_url, "Nico Nodevice")
    user = await open_user(browser, api_url, PHONE)
    users.append(user)
    await user.context.add_init_script(script)
    await user.sign_in(account["email"], PASSWORD)
    await user.page.goto(f"/room/{occurrence}")
    problem = user.page.get_by_role("alert")
    await expect(problem.get_by_role("heading")).to_have_text(heading, timeout=15_000)
    await _no_serious_violations(user, f"prejoin-{state}")
    join = user.page.get_by_role("button", **JOIN)
    if state == "no-webrtc":  # nothing to join with: only the way back
        await expect(join).to_have_count(0)
        await expect(user.page.get_by_role("link", name="Back to your sessions")).to_be_visible()
        return
    if state == "no-device":
        await expect(user.page.get_by_role("combobox", name="Camera")).to_be_disabled()
    await join.click()  # joins with camera and microphone off
    await expect(user.page.get_by_role("button", name="Camera off")).to_be_visible()
