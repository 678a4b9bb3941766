"""`make run`'s stack stops for good on SIGTERM, whatever it is doing at the time.

The issue's script: SIGTERM to the launcher's process group (what a service manager or a
terminal's kill does), then count who is still alive. Before the fix, the API sometimes
never exited (an engine thread left running), leaving an orphan only SIGKILL ended.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import os
import signal
import sys
import threading
import time
import uuid
from collections.abc import Awaitable, Callable
from contextlib import suppress
from datetime import timedelta
from pathlib import Path

import aiohttp
import pytest
from livekit import api as lkapi

from api.room_tokens import PARTICIPANT, room_token
from colearn.config import LiveKitConfig
from colearn.processes import Service
from db import Database
from db.conn import Conn
from tests.support.ports import free_ports
from tests.support.rtc_client import RtcParticipant
from tests.support.smtp import SmtpServer
from tests.support.stack import API_KEY, API_SECRET, ROOT

GONE_WITHIN_S = 5.0
REPEATS = 3


def _family(pid: int) -> set[int]:
    """``pid`` and every process below it (children start sessions of their own)."""
    found = {pid}
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with suppress(OSError):
            for child in map(int, (task / "children").read_text().split()):
                found |= _family(child)
    return found


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "State:\tZ" not in status


def _describe(pids: set[int]) -> list[str]:
    names = []
    for pid in sorted(pids):
        with suppress(OSError):
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            names.append(f"{pid} {cmd[:120]}")
    return names


class Launcher:
    def __init__(self, database: str, log_dir: Path) -> None:
        lk, tcp, udp, api = free_ports(4)
        self.api_url = f"http://127.0.0.1:{api}"
        self.livekit = LiveKitConfig(f"ws://127.0.0.1:{lk}", API_KEY, API_SECRET)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("LIVEKIT_", "COLEARN_"))}
        env.update(
            COLEARN_DB=database,
            COLEARN_API_PORT=str(api),
            COLEARN_LIVEKIT_PORT=str(lk),
            COLEARN_LIVEKIT_RTC_TCP_PORT=str(tcp),
            COLEARN_LIVEKIT_RTC_UDP_PORT=str(udp),
            LIVEKIT_API_KEY=API_KEY,
            LIVEKIT_API_SECRET=API_SECRET,
        )
        log_dir.mkdir(parents=True, exist_ok=True)
        self.service = Service(
            "make-run",
            [sys.executable, "-m", "colearn.stack"],
            log_path=log_dir / "run.log",
            env=env,
            cwd=ROOT,
        ).start()

    async def wait_for(self, text: str, within: float = 90) -> None:
        await asyncio.to_thread(self.service.wait_for_line, lambda ln: text in ln, within)

    async def terminate(self) -> tuple[float, list[str]]:
        """SIGTERM to the launcher's process group; seconds until all were gone, and who
        was still alive after ``GONE_WITHIN_S`` (then killed, so the run goes on)."""
        family = _family(self.service.pid)
        started = time.monotonic()
        os.killpg(self.service.pid, signal.SIGTERM)
        while time.monotonic() - started < GONE_WITHIN_S:
            if _alive(self.service.pid):
                family |= _family(self.service.pid)  # one started meanwhile is counted too
            if not any(_alive(pid) for pid in family):
                break
            await asyncio.sleep(0.05)
        took = time.monotonic() - started
        left = {pid for pid in family if _alive(pid)}
        described = _describe(left)
        for pid in left:
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.service.stop(timeout=1)
        return took, described


async def _webhooks(launcher: Launcher, stop: asyncio.Event) -> int:
    """Signed webhooks as livekit-server sends them, as fast as they are answered."""
    sent = 0
    async with aiohttp.ClientSession() as http:
        while not stop.is_set():
            body = json.dumps(
                {"event": "participant_joined", "id": f"EV_{uuid.uuid4().hex}",
                 "room": {"name": "busy", "sid": "RM_busy"}}
            ).encode()  # fmt: skip
            digest = base64.b64encode(hashlib.sha256(body).digest()).decode()
            auth = lkapi.AccessToken(API_KEY, API_SECRET).with_sha256(digest).to_jwt()
            with suppress(aiohttp.ClientError, asyncio.TimeoutError):
                async with http.post(
                    f"{launcher.api_url}/livekit/webhook",
                    data=body,
                    headers={"Authorization": auth, "Content-Type": "application/webhook+json"},
                ) as reply:
                    await reply.read()
                    sent += 1
            if sent == 0:
                await asyncio.sleep(0.05)
    return sent


async def _traffic(launcher: Launcher, stop: asyncio.Event) -> int:
    """Sign-ups, sign-ins and an event stream held open, over several connections."""
    answered = 0
    stream: aiohttp.ClientResponse | None = None
    async with aiohttp.ClientSession() as http:
        email = f"t-{uuid.uuid4().hex[:10]}@example.org"
        password = "correct horse battery staple"
        with suppress(aiohttp.ClientError):
            await http.post(
                f"{launcher.api_url}/api/accounts",
                json={"email": email, "password": password, "display_name": "T"},
            )
        with suppress(aiohttp.ClientError):
            signed = await http.post(
                f"{launcher.api_url}/api/auth/sign-in", json={"email": email, "password": password}
            )
            token = (await signed.json())["token"]
            # an event stream left open: shutdown must not wait for it to end
            stream = await http.get(
                f"{launcher.api_url}/api/events", headers={"Authorization": f"Bearer {token}"}
            )
        while not stop.is_set():
            with suppress(aiohttp.ClientError, asyncio.TimeoutError):
                async with http.get(f"{launcher.api_url}/healthz") as reply:
                    await reply.read()
                    answered += 1
            if answered == 0:
                await asyncio.sleep(0.05)
        if stream is not None:
            stream.close()
    return answered


async def _in_a_room(launcher: Launcher, stop: asyncio.Event) -> int:
    """A participant in a room (the agent holds a job for it; livekit-server sends webhooks)."""
    participant = RtcParticipant("dora")
    token = room_token(
        launcher.livekit,
        room=f"shutdown-{uuid.uuid4().hex[:8]}",
        identity="dora",
        name="Dora",
        role=PARTICIPANT,
        ttl=timedelta(minutes=5),
    )
    try:
        await participant.connect(launcher.livekit.url, token)
        await stop.wait()
    finally:
        with suppress(Exception):
            await participant.aclose()
    return 1


async def _busy(launcher: Launcher, *work: Callable[[Launcher, asyncio.Event], Awaitable[int]]):
    stop = asyncio.Event()
    tasks = [asyncio.create_task(w(launcher, stop)) for w in work]
    await launcher.wait_for("Press Ctrl-C")
    await asyncio.sleep(1.5)  # well under way
    result = await launcher.terminate()
    stop.set()
    counts = await asyncio.gather(*tasks, return_exceptions=True)
    return result, counts


PHASES = ("starting", "api-up", "idle", "serving", "webhooks")


@pytest.mark.parametrize("phase", PHASES)
async def test_sigterm_to_the_process_group_ends_every_process_within_5_s(
    phase: str, new_db_url: Callable[..., str], tmp_path: Path
) -> None:
    timings = []
    for attempt in range(REPEATS):
        launcher = Launcher(new_db_url(migrated=False), tmp_path / f"run-{attempt}")
        if phase == "starting":
            await asyncio.sleep(0.5 + attempt * 0.7)  # livekit-server or the API starting
            took, left = await launcher.terminate()
        elif phase == "api-up":
            await launcher.wait_for("Co~Learn API listening")  # the agent still starting
            took, left = await launcher.terminate()
        elif phase == "idle":
            await launcher.wait_for("Press Ctrl-C")
            took, left = await launcher.terminate()
        elif phase == "serving":
            (took, left), counts = await _busy(launcher, _traffic, _traffic, _traffic)
            assert sum(c for c in counts if isinstance(c, int)) > 0, counts
        else:
            (took, left), counts = await _busy(launcher, _webhooks, _in_a_room)
            assert isinstance(counts[0], int) and counts[0] > 0, counts
        output = launcher.service.output()
        assert left == [], f"still alive {GONE_WITHIN_S} s after SIGTERM: {left}\n{output[-3000:]}"
        timings.append(took)
    print(f"{phase}: all gone after SIGTERM in {', '.join(f'{t:.2f}' for t in timings)} s")


async def test_the_api_and_the_mail_sender_alone_exit_within_5_s_of_sigterm(
    new_db_url: Callable[..., str], tmp_path: Path, smtp_server: SmtpServer
) -> None:
    """Each as a service manager runs it: one process, SIGTERM, gone; idle, and with
    requests and an event stream open (the API) or mail being sent (the sender)."""
    timings: dict[str, list[float]] = {"api idle": [], "api busy": [], "mail sender": []}
    database = new_db_url()
    for attempt in range(REPEATS):
        [port] = free_ports(1)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("LIVEKIT_", "COLEARN_"))}
        env.update(
            COLEARN_DB=database, COLEARN_API_PORT=str(port), LIVEKIT_URL="ws://127.0.0.1:9",
            LIVEKIT_API_KEY=API_KEY, LIVEKIT_API_SECRET=API_SECRET,
            COLEARN_SMTP_HOST=smtp_server.host, COLEARN_SMTP_PORT=str(smtp_server.port),
            COLEARN_SMTP_STARTTLS="false",
        )  # fmt: skip
        for kind in ("api idle", "api busy", "mail sender"):
            argv = ["-m", "mail", "send"] if kind == "mail sender" else ["-m", "api"]
            ready = "sending through" if kind == "mail sender" else "Co~Learn API listening"
            service = Service(
                kind, [sys.executable, *argv], log_path=tmp_path / f"{attempt}.log",
                env=env, cwd=ROOT,
            ).start()  # fmt: skip
            await asyncio.to_thread(service.wait_for_line, lambda ln, r=ready: r in ln, 30)
            stop = asyncio.Event()
            launcher = Launcher.__new__(Launcher)
            launcher.api_url = f"http://127.0.0.1:{port}"
            work = [asyncio.create_task(_traffic(launcher, stop)) for _ in range(3)]
            if kind != "api busy":
                stop.set()
            await asyncio.sleep(1.0)
            started = time.monotonic()
            service.send_signal(signal.SIGTERM)
            code = await asyncio.to_thread(service.wait, GONE_WITHIN_S)
            timings[kind].append(time.monotonic() - started)
            stop.set()
            await asyncio.gather(*work, return_exceptions=True)
            service.stop(timeout=1)
            assert code == 0, service.output()[-2000:]
    summary = "; ".join(f"{k} {', '.join(f'{t:.2f}' for t in v)} s" for k, v in timings.items())
    print(f"alone, gone after SIGTERM: {summary}")


async def test_closing_the_database_leaves_no_thread_behind(db_url: str) -> None:
    """Every thread the data layer starts (SQLite's reader and writer, the checkpointer's
    copies, PostgreSQL's pool and its workers) has ended once ``aclose`` returns: none
    can hold the process at exit."""
    before = set(threading.enumerate())
    db = await Database.open(db_url, run_migrations=False)
    await asyncio.gather(
        *(db.write(_touch, n) for n in range(50)), *(db.read(_count) for _ in range(50))
    )
    await db.aclose()
    await asyncio.sleep(0.2)  # a pool worker notices the pool closed
    started = [t for t in set(threading.enumerate()) - before if t.is_alive()]
    # the event loop's own executor (asyncio.to_thread) is the loop's to end, when it closes
    left = [t.name for t in started if not t.name.startswith("asyncio_")]
    assert left == []


def _touch(conn: Conn, n: int) -> None:
    conn.run(
        "INSERT INTO login_failures (email, address, failed_at) VALUES (:e, '?', '2026')",
        e=f"x{n}@example.org",
    )


def _count(conn: Conn) -> int:
    return int(conn.value("SELECT COUNT(*) AS n FROM login_failures"))
