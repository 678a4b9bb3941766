"""A learner's network drops for 10 s (and for 30 s) in the middle of a session, in
Chromium, against the real stack: the page says it is reconnecting and counts the seconds;
when the network is back it is whole again, with every chat message said meanwhile shown
once and in order, what was said (a caption), the people who are in the room (not those who
left meanwhile), and the learner's own message typed while offline delivered once.

The learner's Chromium runs in a network namespace of its own, joined to the stack by a
veth pair on a bridge (tests/support/netns_browser.py); the drop is that pair's bridge end
taken down, so nothing but the learner's network changes: no proxy, no route in Playwright.
The others are LiveKit clients (the Python SDK) on the test's own side of the bridge.
Figures: docs/network-drops.md.
"""

from __future__ import annotations

import asyncio
import os
import re
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import pytest_asyncio
from aiohttp import web
from playwright.async_api import Browser, Page, async_playwright, expect

from api.app import create_app
from api.config import ApiConfig
from tests.support import peek
from tests.support.api_client import PASSWORD, VERIFICATION
from tests.support.browser import FLAGS, WebUser, open_user
from tests.support.chat_client import ChatInbox, send_chat
from tests.support.cluster import HOST_IP, Machine, Network
from tests.support.netns_browser import (
    bridged_network,
    bridged_stack,
    chromium_in,
    outside_end,
    set_link,
)
from tests.support.ports import free_ports
from tests.support.rtc_client import RtcParticipant
from tests.support.speech import speak
from tests.support.stack import RunningStack
from tests.support.waiting import eventually
from tests.support.web_api import one_meeting, post_as, register

# 10 s: livekit-client resumes the call (the same peer connections, after an ICE restart).
# 30 s: livekit-server has given the learner up meanwhile, and livekit-client joins again.
DOWNS = pytest.mark.parametrize("down_for_s", [10, 30], ids=["resumed", "rejoined"])
# After the link is back: livekit-client resumes or rejoins, then the page reads what it missed.
WHOLE_WITHIN_S = 30
SENTENCE = "Learning a new language takes time, patience and a lot of practice every day."


@pytest.fixture(scope="module")
def network() -> Iterator[tuple[Network, Machine]]:
    with bridged_network(f"{os.getpid()}d") as made:
        yield made


@pytest.fixture(scope="module")
def stack(  # the name conftest.py shows the log tails of when a test fails
    network: tuple[Network, Machine],
    tmp_path_factory: pytest.TempPathFactory,
    new_db_url: Callable[..., str],
) -> Iterator[RunningStack]:
    running = bridged_stack(free_ports(4), tmp_path_factory.mktemp("drop"), new_db_url())
    try:
        running.start_livekit()
        running.start_agent()
        yield running
    finally:
        running.stop()


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def api_url(stack: RunningStack) -> AsyncIterator[str]:
    config = ApiConfig(
        db_url=stack.db_url,
        host=HOST_IP,
        port=stack.api_port,
        livekit=stack.livekit_config,
        require_email_verification=VERIFICATION,  # off, as in conftest.py's api_app
    )
    runner = web.AppRunner(create_app(config))
    await runner.setup()
    await web.TCPSite(runner, HOST_IP, stack.api_port).start()
    try:
        yield f"http://{HOST_IP}:{stack.api_port}"
    finally:
        await runner.cleanup()


@pytest_asyncio.fixture(loop_scope="session")
async def learner_browser(
    network: tuple[Network, Machine], api_url: str, tmp_path: Path
) -> AsyncIterator[Browser]:
    """Chromium in the learner's namespace. The page comes from 10.77.1.1 over plain HTTP,
    which browsers trust with camera and microphone only on loopback (a real deployment
    serves HTTPS): this one is told to trust that origin too."""
    args = [*FLAGS, f"--unsafely-treat-insecure-origin-as-secure={api_url}"]
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=str(chromium_in(network[1], tmp_path)), args=args, headless=True
        )
        try:
            yield launched
        finally:
            await launched.close()


async def join_sdk(
    http: aiohttp.ClientSession, api_url: str, person: dict[str, Any], occurrence: int
) -> RtcParticipant:
    grant = await post_as(
        http, f"{api_url}/api/occurrences/{occurrence}/token", person["token"], {}
    )
    joined = RtcParticipant(grant["identity"])
    await joined.connect(grant["url"], grant["token"])
    return joined


def moment(stamp: object) -> datetime:
    """A stored instant: a datetime on PostgreSQL, ISO text on SQLite."""
    if isinstance(stamp, datetime):
        return stamp
    return datetime.fromisoformat(str(stamp).replace("Z", "+00:00"))


async def chat_texts(page: Page) -> list[str]:
    return [t.strip() for t in await page.locator(".chat-line .chat-text").all_inner_texts()]


async def people(page: Page) -> list[str]:
    found = await page.locator(".person").evaluate_all("els => els.map(e => e.dataset.identity)")
    return sorted(found)


# Every state the page's banner shows, with when (ms), so the report can say which way
# livekit-client came back: "signalReconnecting" is a resume, "reconnecting" after the
# network is back a full rejoin.
RECORD_STATES = """
window.__states = [];
new MutationObserver(() => {
  const state = document.querySelector('.connection-state')?.dataset.state;
  const last = window.__states[window.__states.length - 1];
  if (state && (!last || last[1] !== state)) window.__states.push([Date.now(), state]);
}).observe(document, {subtree: true, childList: true, attributes: true});
"""


@DOWNS
async def test_a_network_drop_loses_nothing(
    down_for_s: int,
    learner_browser: Browser,
    api_url: str,
    stack: RunningStack,
    network: tuple[Network, Machine],
    http: aiohttp.ClientSession,
    users: list[WebUser],
    tmp_path: Path,
) -> None:
    net, learner_machine = network
    tag = uuid.uuid4().hex[:6]
    host = await register(http, api_url, "facilitator", "Hana Host")
    occurrence = await one_meeting(http, api_url, host, f"Steady line {tag}", capacity=6)
    lee, ola, kim = [await register(http, api_url, "participant", n) for n in ("Lee", "Ola", "Kim")]
    for person in (lee, ola, kim):
        await post_as(http, f"{api_url}/api/occurrences/{occurrence}/bookings", person["token"], {})
    speech = speak(SENTENCE, tmp_path)

    hana = await join_sdk(http, api_url, host, occurrence)
    inbox = ChatInbox(hana.room)
    ola_in = await join_sdk(http, api_url, ola, occurrence)
    others: list[RtcParticipant] = [hana, ola_in]
    try:
        learner = await open_user(learner_browser, api_url)
        users.append(learner)
        await learner.sign_in(lee["email"], PASSWORD)
        page = learner.page
        await page.add_init_script(RECORD_STATES)
        await page.goto(f"/room/{occurrence}")
        await page.get_by_role("button", name="Join", exact=True).click()
        banner = page.locator(".connection-state")
        await expect(banner).to_have_attribute("data-state", "connected", timeout=20_000)
        await page.get_by_role("button", name="Captions").click()
        before = f"Before the storm {tag}"
        await send_chat(hana.room, before)
        await expect(page.locator(".chat-line", has_text=before)).to_have_count(1, timeout=10_000)
        await page.wait_for_timeout(1_500)  # camera and microphone published

        # -- the learner's network goes; the room goes on without them --------------------
        link = outside_end(net, learner_machine)
        set_link(link, up=False)
        dropped = time.monotonic()
        overlay = page.locator(".reconnect-overlay")
        await expect(overlay).to_be_visible(timeout=5_000)
        overlay_after = time.monotonic() - dropped
        await hana.publish_speech(speech)  # Hana says something: a caption
        during = [f"While you were away {n} {tag}" for n in range(3)]
        await send_chat(hana.room, during[0])
        await ola_in.aclose()  # Ola leaves
        others.remove(ola_in)
        mine = f"Typed offline {tag}"
        await page.locator("#chat-input").fill(mine)
        await page.locator("#chat-input").press("Enter")
        await send_chat(hana.room, during[1])
        kim_in = await join_sdk(http, api_url, kim, occurrence)  # Kim comes
        others.append(kim_in)
        await send_chat(hana.room, during[2])
        await asyncio.sleep(max(0.0, down_for_s - 1.5 - (time.monotonic() - dropped)))
        elapsed = int(await overlay.get_attribute("data-elapsed") or 0)
        assert elapsed >= down_for_s - 4, f"the seconds did not count on: {elapsed} s"
        shown_seconds = re.search(r"Reconnecting… (\d+) s", await overlay.inner_text())
        assert shown_seconds and int(shown_seconds[1]) >= down_for_s - 4
        await expect(banner).to_have_text("Connection lost. Reconnecting…")
        await learner.screenshot(f"room-network-dropped-{down_for_s}s")
        await asyncio.sleep(max(0.0, down_for_s - (time.monotonic() - dropped)))

        # -- the network is back: the page is whole again -------------------------------
        set_link(link, up=True)
        back, back_wall = time.monotonic(), datetime.now(UTC)
        await expect(overlay).to_have_count(0, timeout=WHOLE_WITHIN_S * 1000)
        overlay_gone = time.monotonic() - back
        await expect(banner).to_have_attribute("data-state", "connected")
        expected = [before, *during]

        async def chat_whole() -> list[str] | None:
            shown = await chat_texts(page)
            theirs = [t for t in shown if t in expected]
            return shown if theirs == expected and shown.count(mine) == 1 else None

        await eventually(chat_whole, within=WHOLE_WITHIN_S, what="every message, once, in order")
        chat_back = time.monotonic() - back
        caption = page.locator(".caption-line", has_text="Hana Host:")
        await expect(caption).to_contain_text(
            re.compile("language|patience|practice", re.I), timeout=WHOLE_WITHIN_S * 1000
        )
        caption_back = time.monotonic() - back
        await page.get_by_role("tab", name="People").click()
        in_room = sorted([*(p.identity for p in others), f"user-{lee['id']}"])

        async def people_right() -> bool:
            return await people(page) == in_room

        try:
            await eventually(people_right, within=WHOLE_WITHIN_S, what="the people in the room")
        except AssertionError:
            assert await people(page) == in_room  # shows who is missing or too many
        people_back = time.monotonic() - back
        await learner.screenshot(f"room-network-back-{down_for_s}s")

        # the message typed offline was stored once (the agent keeps one copy per id) and
        # reached Hana at most once
        async def stored() -> list[dict[str, Any]]:
            sql = "SELECT id FROM chat_messages WHERE body = :t"
            return await peek.rows(stack.db_url, sql, t=mine)

        await eventually(stored, within=WHOLE_WITHIN_S, what="the message typed offline stored")
        mine_stored = time.monotonic() - back
        assert len(await stored()) == 1
        assert len([m for m in inbox.messages if m.text == mine]) <= 1
        states = await page.evaluate("window.__states")
        said = await peek.rows(
            stack.db_url,
            "SELECT stored_at FROM transcript_segments WHERE speaker_identity = :s",
            s=hana.identity,
        )
        stored_at = [moment(row["stored_at"]) for row in said]
        print(
            f"\noverlay {overlay_after:.1f} s after the drop; after the link came back: overlay "
            f"gone {overlay_gone:.1f} s, chat whole {chat_back:.1f} s, caption "
            f"{caption_back:.1f} s, people right {people_back:.1f} s, own message stored "
            f"{mine_stored:.1f} s; Hana got the offline "
            f"message {len([m for m in inbox.messages if m.text == mine])}x; Hana's captions "
            f"stored {[round((at - back_wall).total_seconds(), 1) for at in stored_at]} s "
            f"from the link's return; states: "
            f"{[(round((at - states[0][0]) / 1000, 1), st) for at, st in states]}"
        )
    finally:
        await inbox.aclose()
        for other in others:
            await other.aclose()
