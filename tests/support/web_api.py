"""What the browser tests do through the API: accounts and calls, beside the pages."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp

from tests.support.api_client import PASSWORD
from tests.support.mailed_links import verify_address


async def register(
    http: aiohttp.ClientSession, api_url: str, role: str, name: str
) -> dict[str, Any]:
    email = f"{role}-{uuid.uuid4().hex[:10]}@example.org"
    body = {"email": email, "password": PASSWORD, "display_name": name, "role": role}
    async with http.post(api_url + "/api/accounts", json=body) as reply:
        assert reply.status == 201, await reply.text()
    async with http.post(
        api_url + "/api/auth/sign-in", json={"email": email, "password": PASSWORD}
    ) as reply:
        assert reply.status == 200, await reply.text()
        signed = await reply.json()
    # as the person would, when the API requires it: the link mailed at sign-up
    await verify_address(http, api_url, email, signed["token"])
    return {"email": email, "token": signed["token"], "id": signed["user"]["id"]}


async def post_as(
    http: aiohttp.ClientSession, url: str, token: str, body: dict[str, Any]
) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"}
    async with http.post(url, json=body, headers=headers) as reply:
        assert reply.status in (200, 201), await reply.text()
        return dict(await reply.json())


async def one_meeting(
    http: aiohttp.ClientSession,
    api_url: str,
    host: dict[str, Any],
    title: str,
    *,
    capacity: int,
    starts_in: timedelta = timedelta(minutes=5),
) -> int:
    """A one-time session of ``host``'s, an hour long, starting ``starts_in`` from now (in
    5 minutes its room is open); its occurrence's id."""
    made = await post_as(
        http,
        api_url + "/api/sessions",
        host["token"],
        {
            "title": title,
            "timezone": "Europe/Berlin",
            "starts_at": (datetime.now(UTC) + starts_in).isoformat(),
            "duration_minutes": 60,
            "capacity": capacity,
        },
    )
    return int(made["occurrences"][0]["id"])
