"""`make run`'s launcher: everything starts, the agent joins a new room, Ctrl-C stops all."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import aiohttp

from api.room_tokens import PARTICIPANT, room_token
from colearn.config import LiveKitConfig
from colearn.processes import Service
from colearn.wire import AGENT_IDENTITY
from db.migrate import current_version_of, newest
from db.url import parse
from tests.support.ports import free_ports
from tests.support.rtc_client import RtcParticipant
from tests.support.stack import API_KEY, API_SECRET, ROOT
from tests.support.waiting import eventually


def _descendants(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children = (task / "children").read_text().split()
        except OSError:
            continue
        for child in map(int, children):
            found |= {child} | _descendants(child)
    return found


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "State:\tZ" not in status


async def _sign_up_and_verify_from_the_outbox(api: str) -> None:
    """The default: verification required, and with no SMTP server the link waits in
    /dev/outbox; the API's verification operation takes the token from that link."""
    email, password = "new-learner@example.org", "correct horse battery staple"
    body = {"email": email, "password": password, "display_name": "New", "role": "participant"}
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{api}/api/accounts", json=body) as reply:
            assert reply.status == 201, await reply.text()
        async with http.post(
            f"{api}/api/auth/sign-in", json={"email": email, "password": password}
        ) as reply:
            assert reply.status == 200, await reply.text()
            signed = {"Authorization": f"Bearer {(await reply.json())['token']}"}
        async with http.get(f"{api}/api/me/email-verification", headers=signed) as reply:
            assert await reply.json() == {"email_verified": False, "required": True}
        async with http.get(f"{api}/dev/outbox") as reply:
            listing = await reply.text()
        mail = re.search(rf"href='/dev/outbox/(\d+)'>\d+</a></td><td>\w+</td><td>{email}", listing)
        assert mail, listing
        async with http.get(f"{api}/dev/outbox/{mail[1]}") as reply:
            page = await reply.text()
        link = re.search(r"href='(http://127\.0\.0\.1:8080/verify-email#([\w-]+))'", page)
        assert link, page  # make run's address, COLEARN_PUBLIC_URL's default
        async with http.post(f"{api}/api/auth/verify-email", json={"token": link[2]}) as reply:
            assert reply.status == 200, await reply.text()
        async with http.get(f"{api}/api/me/email-verification", headers=signed) as reply:
            assert (await reply.json())["email_verified"] is True


async def test_make_run_serves_health_agent_joins_and_ctrl_c_stops_everything(
    new_db_url: Callable[..., str], room_name: str, tmp_path: Path
) -> None:
    # on this run's engine: a new SQLite file, or an empty database on a PostgreSQL server
    # that is already running (as `make run COLEARN_DB=postgresql://...` would use)
    lk_port, tcp_port, udp_port, api_port = free_ports(4)
    database = new_db_url(migrated=False)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LIVEKIT_", "COLEARN_"))}
    env.update(
        COLEARN_DB=database,
        COLEARN_API_PORT=str(api_port),
        COLEARN_LIVEKIT_PORT=str(lk_port),
        COLEARN_LIVEKIT_RTC_TCP_PORT=str(tcp_port),
        COLEARN_LIVEKIT_RTC_UDP_PORT=str(udp_port),
        LIVEKIT_API_KEY=API_KEY,
        LIVEKIT_API_SECRET=API_SECRET,
        LIVEKIT_URL=f"ws://127.0.0.1:{lk_port}",
    )
    launcher = Service(
        "make-run",
        [sys.executable, "-m", "colearn.stack"],
        log_path=tmp_path / "run.log",
        env=env,
        cwd=ROOT,
    ).start()
    participant = RtcParticipant("dora")
    try:
        await asyncio.to_thread(launcher.wait_for_line, lambda ln: "Press Ctrl-C" in ln, 90)
        assert f"http://127.0.0.1:{api_port}" in launcher.output()
        async with (
            aiohttp.ClientSession() as http,
            http.get(f"http://127.0.0.1:{api_port}/healthz") as response,
        ):
            assert response.status == 200, await response.text()
        # the launcher created the schema on the database it was given
        assert current_version_of(parse(database)) == newest(dialect=parse(database).dialect)
        await _sign_up_and_verify_from_the_outbox(f"http://127.0.0.1:{api_port}")

        livekit = LiveKitConfig(url=env["LIVEKIT_URL"], api_key=API_KEY, api_secret=API_SECRET)
        token = room_token(
            livekit,
            room=room_name,
            identity="dora",
            name="Dora",
            role=PARTICIPANT,
            ttl=timedelta(minutes=5),
        )
        started = time.monotonic()
        await participant.connect(livekit.url, token)
        await eventually(
            lambda: participant.room.remote_participants.get(AGENT_IDENTITY),
            within=10,
            what="the agent to join",
        )
        assert time.monotonic() - started < 5.0
    finally:
        await participant.aclose()
        children = _descendants(launcher.pid)
        launcher.send_signal(signal.SIGINT)
        code = await asyncio.to_thread(launcher.wait, 30)
        launcher.stop()
    assert code == 0, launcher.output()[-2000:]
    assert len(children) >= 3, "expected livekit-server, the API and the agent as children"
    assert [pid for pid in children if _alive(pid)] == []
    output = launcher.output()
    for name in ("agent", "api", "livekit"):
        assert f"{name} stopped" in output
