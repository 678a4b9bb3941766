"""``GET /healthz``: is the database usable and livekit-server reachable?"""

from __future__ import annotations

import asyncio

import aiohttp
from aiohttp import web

from api.keys import CONFIG, DB, HTTP
from api.responses import json_response
from db.health import schema_version

LIVEKIT_TIMEOUT_S = 2.0


async def _check_db(request: web.Request) -> dict[str, object]:
    try:
        version = await schema_version(request.app[DB])
    except Exception as exc:
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True, "schema_version": version}


async def _check_livekit(request: web.Request) -> dict[str, object]:
    url = request.app[CONFIG].livekit.http_url
    try:
        timeout = aiohttp.ClientTimeout(total=LIVEKIT_TIMEOUT_S)
        async with request.app[HTTP].get(url + "/", timeout=timeout) as response:
            body = (await response.text()).strip()
            ok = response.status == 200 and body == "OK"
            return (
                {"ok": ok, "url": url}
                if ok
                else {"ok": False, "url": url, "error": f"HTTP {response.status}"}
            )
    except (aiohttp.ClientError, TimeoutError) as exc:
        return {"ok": False, "url": url, "error": type(exc).__name__}


async def healthz(request: web.Request) -> web.Response:
    database, livekit = await asyncio.gather(_check_db(request), _check_livekit(request))
    ok = bool(database["ok"]) and bool(livekit["ok"])
    body = {"status": "ok" if ok else "degraded", "database": database, "livekit": livekit}
    return json_response(body, status=200 if ok else 503)


def setup(app: web.Application) -> None:
    app.router.add_get("/healthz", healthz)
