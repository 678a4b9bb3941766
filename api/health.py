"""``GET /healthz`` (the process is alive) and ``GET /readyz`` (it can do its work).

``/healthz`` touches nothing: a supervisor restarts the process only when it stops
answering. ``/readyz`` asks everything a user's request needs: the database answers,
livekit-server answers, an agent worker is registered (workers record themselves in the
database every second: ``db.monitoring.beat``; livekit-server's API does not list workers)
and the outbox is not stuck (no mail has been due for longer than
``COLEARN_READY_OUTBOX_STUCK_MINUTES``). Each check names what failed; 503 if any did.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
from aiohttp import web

from api.keys import CONFIG, DB, HTTP
from api.metrics import AGENT_ALIVE_WITHIN
from api.models.operations import (
    AgentCheck,
    Alive,
    Checks,
    DatabaseCheck,
    LivekitCheck,
    OutboxCheck,
    Readiness,
)
from api.responses import json_response
from colearn.config import env_int
from db import monitoring
from db.health import schema_version

LIVEKIT_TIMEOUT_S = 2.0
OUTBOX_STUCK = web.AppKey("outbox_stuck", timedelta)


def _failed(exc: Exception) -> Any:  # what any check says when it could not look
    return {"ok": False, "error": f"{type(exc).__name__}: {exc}".rstrip(": ")}


async def _check_db(request: web.Request) -> DatabaseCheck:
    try:
        version = await schema_version(request.app[DB])
    except Exception as exc:
        return _failed(exc)
    return {"ok": True, "schema_version": version}


async def _check_livekit(request: web.Request) -> LivekitCheck:
    url = request.app[CONFIG].livekit.http_url
    try:
        timeout = aiohttp.ClientTimeout(total=LIVEKIT_TIMEOUT_S)
        async with request.app[HTTP].get(url + "/", timeout=timeout) as response:
            body = (await response.text()).strip()
            if response.status == 200 and body == "OK":
                return {"ok": True, "url": url}
            return {"ok": False, "url": url, "error": f"HTTP {response.status}"}
    except (aiohttp.ClientError, TimeoutError) as exc:
        return {"ok": False, "url": url, "error": type(exc).__name__}


async def _check_agent(request: web.Request) -> AgentCheck:
    try:
        since = datetime.now(UTC) - AGENT_ALIVE_WITHIN
        workers = await monitoring.live_workers(request.app[DB], since)
    except Exception as exc:
        return _failed(exc)
    if workers == 0:
        seconds = int(AGENT_ALIVE_WITHIN.total_seconds())
        return {
            "ok": False,
            "workers": 0,
            "error": f"no agent worker has reported itself registered in the last {seconds} s",
        }
    return {"ok": True, "workers": workers}


async def _check_outbox(request: web.Request) -> OutboxCheck:
    config = request.app[CONFIG]
    try:
        state = await monitoring.outbox_state(request.app[DB], config.clock())
    except Exception as exc:
        return _failed(exc)
    found: OutboxCheck = {"ok": True, "pending": state.pending, "failed": state.failed}
    if not config.mail.configured:
        # mails wait for a developer at /dev/outbox: nothing is meant to send them
        return {**found, "sending": False}
    limit = request.app[OUTBOX_STUCK]
    if state.oldest_due_at is not None:
        waited = config.clock() - state.oldest_due_at
        found["oldest_due_age_seconds"] = round(waited.total_seconds(), 1)
        if waited > limit:
            minutes = int(limit.total_seconds() // 60)
            error = f"a mail has been due for more than {minutes} min: is the mail worker running?"
            return {**found, "ok": False, "sending": True, "error": error}
    return {**found, "sending": True}


async def healthz(request: web.Request) -> web.Response:
    alive: Alive = {"status": "ok"}
    return json_response(alive)


async def readyz(request: web.Request) -> web.Response:
    database, livekit, agent, outbox = await asyncio.gather(
        _check_db(request), _check_livekit(request), _check_agent(request), _check_outbox(request)
    )
    checks: Checks = {"database": database, "livekit": livekit, "agent": agent, "outbox": outbox}
    failed = [name for name, check in checks.items() if not check["ok"]]
    body: Readiness = {
        "status": "not_ready" if failed else "ready",
        "failed": failed,  # type: ignore[typeddict-item]
        "checks": checks,
    }
    return json_response(body, status=503 if failed else 200)


def setup(app: web.Application) -> None:
    app[OUTBOX_STUCK] = timedelta(minutes=env_int("COLEARN_READY_OUTBOX_STUCK_MINUTES"))
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
