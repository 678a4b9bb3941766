"""The logs an operator reads: a whole scenario at DEBUG through the real processes (the API,
the mail worker and the agent worker) leaves no password, token, chat text, looked-up word
or transcript in any of them; ``COLEARN_LOG_FORMAT=json`` gives one object per line with the
request id."""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp

from colearn.processes import Service
from colearn.wire import AGENT_IDENTITY
from db.transcripts import room_segments
from tests.support.agent_room import Person, stored
from tests.support.chat_client import send_chat
from tests.support.ports import free_ports
from tests.support.rtc_client import RtcParticipant
from tests.support.smtp import SmtpServer
from tests.support.speech import speak
from tests.support.stack import ROOT, RunningStack
from tests.support.waiting import eventually

SENTENCE = "My grandmother keeps seven purple umbrellas in her kitchen."


class Scenario:
    def __init__(self, http: aiohttp.ClientSession, url: str) -> None:
        self.http, self.url = http, url
        self.secrets: dict[str, str] = {}

    async def call(self, method: str, path: str, token: str | None = None, **kw: Any) -> Any:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        async with self.http.request(method, self.url + path, headers=headers, **kw) as reply:
            assert reply.status < 300, (path, reply.status, await reply.text())
            return await reply.json() if reply.content_type == "application/json" else None

    async def person(self, role: str) -> str:
        """Sign up and sign in; the sign-in token."""
        email = f"{role}-{uuid.uuid4().hex[:10]}@example.org"
        password = f"pw-{uuid.uuid4().hex}"
        body = {"email": email, "password": password, "display_name": role.title(), "role": role}
        await self.call("POST", "/api/accounts", json=body)
        signed = await self.call(
            "POST", "/api/auth/sign-in", json={"email": email, "password": password}
        )
        self.secrets[f"{role}'s password"] = password
        self.secrets[f"{role}'s sign-in token"] = signed["token"]
        return str(signed["token"])


def _service(name: str, argv: list[str], env: dict[str, str], log_dir: Path) -> Service:
    return Service(
        name, [sys.executable, *argv], log_path=log_dir / f"{name}.log", env=env, cwd=ROOT
    )


async def test_a_whole_scenario_at_debug_leaves_no_secret_in_any_log(
    stack: RunningStack, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    assert stack.agent is not None
    agent_log_start = len(stack.agent.output())
    (api_port,) = free_ports(1)
    env = {
        **stack.env(),
        "COLEARN_API_PORT": str(api_port),
        "COLEARN_LOG_LEVEL": "DEBUG",
        "COLEARN_LOG_FORMAT": "json",
        "COLEARN_SMTP_HOST": smtp_server.host,
        "COLEARN_SMTP_PORT": str(smtp_server.port),
        "COLEARN_SMTP_STARTTLS": "false",
        "COLEARN_MAIL_POLL_MS": "50",
    }
    api = _service("api", ["-m", "api"], env, tmp_path).start()
    mail = _service("mail", ["-m", "mail", "send"], env, tmp_path).start()
    speech = speak(SENTENCE, tmp_path)
    people: list[Any] = []
    try:
        await asyncio.to_thread(api.wait_for_line, lambda ln: "API listening" in ln, 30)
        async with aiohttp.ClientSession() as http:
            scenario = Scenario(http, f"http://127.0.0.1:{api_port}")
            host = await scenario.person("facilitator")
            learner = await scenario.person("participant")
            starts = (datetime.now(UTC) + timedelta(minutes=5)).isoformat()
            session = await scenario.call(
                "POST",
                "/api/sessions",
                host,
                json={
                    "title": "Club",
                    "timezone": "UTC",
                    "starts_at": starts,
                    "duration_minutes": 60,
                    "capacity": 5,
                },
            )
            occurrence = session["occurrences"][0]["id"]
            await scenario.call("POST", f"/api/occurrences/{occurrence}/bookings", learner, json={})
            room = await scenario.call(
                "POST", f"/api/occurrences/{occurrence}/token", learner, json={}
            )
            scenario.secrets["room token"] = room["token"]
            await scenario.call("GET", "/api/dictionary/serendipity")

            person = Person(RtcParticipant("learner"))
            people.append(person)
            await person.rtc.connect(room["url"], room["token"])
            await eventually(
                lambda: person.rtc.room.remote_participants.get(AGENT_IDENTITY),
                within=15,
                what="the agent in the room",
            )
            chat = f"my secret plan is {uuid.uuid4().hex[:12]}"
            scenario.secrets["chat text"] = chat
            scenario.secrets["looked-up word"] = "quixotic"
            answers = len(person.inbox.from_sender(AGENT_IDENTITY))
            await send_chat(person.rtc.room, chat)
            await send_chat(person.rtc.room, "/define quixotic")
            await person.inbox.next_from(
                AGENT_IDENTITY, after=answers, within=10, what="the definition"
            )
            await person.rtc.publish_speech(speech)
            async with stored(stack) as db:
                segments = await eventually(
                    lambda: room_segments(db, room["room"]), within=30, what="a caption"
                )
            for n, segment in enumerate(segments):
                scenario.secrets[f"caption {n}"] = str(segment["text"]).strip()
            await smtp_server.inbox.wait_for(1)
    finally:
        for person in people:
            await person.aclose()
        mail.stop()
        api.stop()

    logs = {
        "api": api.output(),
        "mail": mail.output(),
        "agent": stack.agent.output()[agent_log_start:],
    }
    assert '"logger":"aiohttp.access"' in logs["api"], "the API logged at DEBUG, in JSON"
    assert "colearn.agent" in logs["agent"] and "answered /define" in logs["agent"]
    words = {w for w in SENTENCE.lower().strip(".").split() if len(w) >= 6}
    for name, text in logs.items():
        for what, secret in scenario.secrets.items():
            assert secret not in text, f"the {what} is in the {name} log"
        assert not re.search(r"eyJ[\w-]+\.eyJ[\w-]+\.", text), f"a JWT is in the {name} log"
        heard = {w for w in words if w in text.lower()}
        assert not heard, f"transcript words {heard} are in the {name} log"


def test_json_lines_carry_the_request_id_and_a_wrong_format_is_refused(tmp_path: Path) -> None:
    (port,) = free_ports(1)
    env = {
        "PATH": "/usr/bin:/bin",
        "COLEARN_DB": str(tmp_path / "colearn.db"),
        "COLEARN_API_PORT": str(port),
        "COLEARN_LOG_FORMAT": "json",
    }
    api = _service("api-json", ["-m", "api"], env, tmp_path).start()
    try:
        api.wait_for_line(lambda ln: "API listening" in ln, 30)
        asyncio.run(_get(f"http://127.0.0.1:{port}/healthz", "probe-42"))
        line = api.wait_for_line(lambda ln: "probe-42" in ln, 10)
    finally:
        api.stop()
    logged = json.loads(line)
    assert logged["request_id"] == "probe-42" and logged["logger"] == "aiohttp.access"
    assert logged["message"].startswith("GET /healthz 200") and logged["level"] == "INFO"

    wrong = subprocess.run(
        [sys.executable, "-m", "api"],
        env={**env, "COLEARN_LOG_FORMAT": "xml"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert wrong.returncode == 2
    assert "COLEARN_LOG_FORMAT must be text or json" in wrong.stderr


async def _get(url: str, request_id: str) -> None:
    async with (
        aiohttp.ClientSession() as http,
        http.get(url, headers={"X-Request-ID": request_id}) as reply,
    ):
        assert reply.status == 200
