"""The web page: how fast a person is in the call, and how much the browser downloads.

Starts its own livekit-server, agent worker and API (serving web/dist) on free loopback
ports. A host waits in a room; a participant clicks Join on their dashboard, then Join on the
pre-join screen (its choices remembered after the first time), N times (leaving in between),
and the page's User Timing marks (web/src/lib/timing.ts) give, per join, the time from that
click to their camera being published and to the host's video playing. Also the
production bundle's size gzipped, without background blur's MediaPipe files.

    scripts/loopback-netns.sh .venv/bin/python bench/web_join.py [--joins 10]
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import statistics
import sys
import tempfile
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from api.app import create_app
from api.config import ApiConfig
from api.web import DIST
from db import migrate
from tests.support.api_client import PASSWORD
from tests.support.browser import DESKTOP, FLAGS, open_user
from tests.support.ports import free_ports
from tests.support.stack import RunningStack, new_stack

TIMINGS = """() => {
  const at = name => performance.getEntriesByName(name, 'mark')[0]?.startTime ?? null;
  const click = at('colearn:join-click');
  const local = at('colearn:local-video-published');
  const remote = at('colearn:remote-video-playing');
  return click === null || local === null || remote === null
    ? null : { local: local - click, remote: remote - click };
}"""


def bundle_kb() -> tuple[float, float]:
    """(everything a first visit to the room can download, the entry page alone), gzipped KB."""
    files = [p for p in DIST.rglob("*") if p.suffix in {".js", ".css", ".html"}]
    entry = [p for p in files if p.name == "index.html" or p.name.startswith("index-")]

    def size(paths: list[Path]) -> float:
        return sum(len(gzip.compress(p.read_bytes(), 9)) for p in paths) / 1024

    return size(files), size(entry)


async def account(http: aiohttp.ClientSession, url: str, role: str) -> tuple[str, str]:
    email = f"{role}-{uuid.uuid4().hex[:8]}@example.org"
    body = {"email": email, "password": PASSWORD, "display_name": role.title(), "role": role}
    async with http.post(url + "/api/accounts", json=body) as reply:
        assert reply.status == 201, await reply.text()
    creds = {"email": email, "password": PASSWORD}
    async with http.post(url + "/api/auth/sign-in", json=creds) as reply:
        return email, (await reply.json())["token"]


async def run(stack: RunningStack, joins: int) -> list[dict[str, float]]:
    from playwright.async_api import async_playwright

    config = ApiConfig(
        db_url=stack.db_url,
        host="127.0.0.1",
        port=stack.api_port,
        livekit=stack.livekit_config,
        require_email_verification=False,  # a join benchmark: accounts book at once
    )
    runner = web.AppRunner(create_app(config))
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", stack.api_port).start()
    url = f"http://127.0.0.1:{stack.api_port}"
    try:
        async with aiohttp.ClientSession() as http, async_playwright() as playwright:
            host_email, host_token = await account(http, url, "facilitator")
            guest_email, guest_token = await account(http, url, "participant")
            starts = (datetime.now(UTC) + timedelta(minutes=5)).isoformat()
            session = {"title": "Join bench", "timezone": "UTC", "starts_at": starts}
            session |= {"duration_minutes": 60, "capacity": 4}
            auth = {"Authorization": f"Bearer {host_token}"}
            async with http.post(url + "/api/sessions", json=session, headers=auth) as reply:
                occurrence = (await reply.json())["occurrences"][0]["id"]
            auth = {"Authorization": f"Bearer {guest_token}"}
            booking = f"{url}/api/occurrences/{occurrence}/bookings"
            async with http.post(booking, json={}, headers=auth) as reply:
                assert reply.status == 201, await reply.text()

            browser = await playwright.chromium.launch(
                executable_path="/usr/bin/chromium", args=FLAGS, headless=True
            )
            host = await open_user(browser, url, DESKTOP)
            guest = await open_user(browser, url, DESKTOP)
            await host.sign_in(host_email, PASSWORD)
            await guest.sign_in(guest_email, PASSWORD)
            await host.page.goto(f"/room/{occurrence}")
            await host.page.get_by_role("button", name="Join", exact=True).click()
            await host.page.wait_for_selector('[data-lk-local-participant="true"] video')
            results = []
            for _ in range(joins + 1):  # the first join warms caches and the agent up
                await guest.page.goto("/dashboard")
                await guest.page.get_by_role("link", name="Join Join bench").click()
                # the pre-join screen; the timing starts at its Join
                await guest.page.get_by_role("button", name="Join", exact=True).click()
                await guest.page.wait_for_function(TIMINGS, timeout=30_000)
                results.append(await guest.page.evaluate(TIMINGS))
                await guest.page.get_by_role("button", name="Leave").click()
                await guest.page.get_by_role("button", name="Hang up").click()  # asks first
                await guest.page.get_by_text("You left the room.").wait_for()
            await browser.close()
            return results[1:]
    finally:
        await runner.cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--joins", type=int, default=10)
    args = parser.parse_args()
    total, entry = bundle_kb()
    print(f"bundle gzipped, without MediaPipe: {total:.0f} KB in all (target <= 350 KB)")
    print(f"  first page (sign-in, dashboards): {entry:.0f} KB; the room and blur load on demand")
    with tempfile.TemporaryDirectory() as tmp:
        stack = new_stack(free_ports(4), Path(tmp))
        migrate(stack.db_url)
        try:
            stack.start_livekit()
            stack.start_agent()
            results = asyncio.run(run(stack, args.joins))
        finally:
            stack.stop()
    local = [r["local"] / 1000 for r in results]
    remote = [r["remote"] / 1000 for r in results]
    print(f"joins: {len(results)} (after one warm-up), click on Join to ...")
    print(f"  own camera published: p50 {statistics.median(local):.2f} s, max {max(local):.2f} s")
    print(
        f"  other person's video playing: p50 {statistics.median(remote):.2f} s, "
        f"max {max(remote):.2f} s (target p50 <= 1.5 s)"
    )


if __name__ == "__main__":
    main()
