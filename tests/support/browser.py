"""Debian's Chromium driven by Playwright (async API, on the suite's one event loop).

Never a browser download: ``executable_path`` is the system Chromium that ``make setup``
installs. A fake camera and microphone stand in for devices; every request a page makes is
recorded, so a test can show that nothing left 127.0.0.1.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest_asyncio
from playwright.async_api import Browser, BrowserContext, Page, async_playwright, expect

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent.parent / "test-artifacts"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
    "--allow-loopback-in-peer-connection",
    "--autoplay-policy=no-user-gesture-required",
]
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1440, "height": 900}
LOCAL_HOSTS = frozenset({"127.0.0.1"})
LOCAL_SCHEMES = frozenset({"data", "blob", "about"})


@dataclass
class WebUser:
    """One person's browser window on the page, and every URL it asked for."""

    context: BrowserContext
    page: Page
    requests: list[str] = field(default_factory=list)

    def remote_requests(self) -> list[str]:
        """Requests to anything but this machine (none is the rule)."""
        return [
            url
            for url in self.requests
            if urlsplit(url).scheme not in LOCAL_SCHEMES
            and urlsplit(url).hostname not in LOCAL_HOSTS
        ]

    async def join_room(self, occurrence: int, title: str) -> None:
        """Open the room's page, press Join on the pre-join screen, and be in."""
        await self.page.goto(f"/room/{occurrence}")
        await self.page.get_by_role("button", name="Join", exact=True).click()
        await expect(self.page.get_by_role("heading", name=title)).to_be_visible()

    async def sign_in(self, email: str, password: str) -> None:
        reply = await self.context.request.post(
            "/api/auth/sign-in", data={"email": email, "password": password}
        )
        assert reply.ok, await reply.text()

    async def has_no_horizontal_overflow(self) -> bool:
        return bool(
            await self.page.evaluate(
                "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
            )
        )

    async def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        await self.page.screenshot(path=str(path))
        return path

    async def remote_video_playing(self) -> bool:
        """A remote participant's video element is playing frames (time moves on)."""
        script = """async () => {
          const videos = [...document.querySelectorAll(
            '[data-lk-local-participant="false"] video')];
          const live = videos.filter(v => !v.paused && v.readyState >= 2 && v.videoWidth > 0);
          if (live.length === 0) return false;
          const before = live.map(v => v.currentTime);
          await new Promise(r => setTimeout(r, 300));
          return live.some((v, i) => v.currentTime > before[i]);
        }"""
        return bool(await self.page.evaluate(script))


def _check_chromium() -> None:
    assert CHROMIUM.exists(), (
        "Chromium is missing: run 'make setup' (it installs Debian's chromium)"
    )


@asynccontextmanager
async def chromium(extra_flags: Sequence[str] = ()) -> AsyncIterator[Browser]:
    """Debian's Chromium with the fake camera and microphone (and ``extra_flags``)."""
    _check_chromium()
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=[*FLAGS, *extra_flags], headless=True
        )
        try:
            yield launched
        finally:
            await launched.close()


@pytest_asyncio.fixture(loop_scope="session", scope="session")
async def browser() -> AsyncIterator[Browser]:
    async with chromium() as launched:
        yield launched


async def open_user(browser: Browser, base_url: str, viewport: dict[str, int] = DESKTOP) -> WebUser:
    context = await browser.new_context(
        base_url=base_url,
        viewport=viewport,  # type: ignore[arg-type]
        permissions=["camera", "microphone"],
    )
    page = await context.new_page()
    user = WebUser(context, page)
    context.on("request", lambda request: user.requests.append(request.url))
    page.on("websocket", lambda socket: user.requests.append(socket.url))
    return user


async def close_all(users: list[WebUser]) -> None:
    await asyncio.gather(*(user.context.close() for user in users), return_exceptions=True)
