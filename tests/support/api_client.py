"""The API on a real aiohttp server and a fresh SQLite file, a clock the test sets, and users."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp.test_utils import TestClient, TestServer

from api.app import create_app
from api.auth import new_token, token_hash
from api.config import NO_SMTP, ApiConfig
from colearn.config import LiveKitConfig
from db import Database, account_tokens, accounts
from db.conn import Conn
from mail.config import MailConfig
from tests.support.mailed_links import verify_address

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PASSWORD = "correct horse battery staple"
OFFLINE_LIVEKIT = LiveKitConfig(url="ws://127.0.0.1:9", api_key="colearn-test", api_secret="s" * 40)
# The shared test stacks (``running_api``, the ``api`` and ``api_url`` fixtures,
# ``RunningStack.env``) turn the product's default off on purpose: their tests count
# the mails each step sends (a verification mail per sign-up would be in every count)
# and book straight after signing up. The default, on, is what tests/test_accounts_careful.py,
# tests/test_web_accounts.py and tests/test_make_run.py exercise, through the mailed link.
VERIFICATION = False


class Clock:
    """The API's "now", moved by the test instead of sleeping."""

    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class Actor:
    """A signed-up user and their sign-in token."""

    user: dict[str, Any]
    token: str
    email: str

    @property
    def id(self) -> int:
        return int(self.user["id"])


@dataclass
class Reply:
    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def error_code(self) -> str | None:
        if isinstance(self.body, dict) and "error" in self.body:
            return str(self.body["error"]["code"])
        return None


_numbers = itertools.count(1)


class Api:
    def __init__(self, client: TestClient, clock: Clock, config: ApiConfig) -> None:
        self.client = client
        self.clock = clock
        self.config = config

    @property
    def url(self) -> str:
        return str(self.client.make_url("")).rstrip("/")

    async def call(
        self,
        method: str,
        path: str,
        *,
        as_: Actor | None = None,
        json: Any = None,
        data: Any = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        # Each call stands alone: the cookies sign-in sets would make "anonymous" signed in.
        self.client.session.cookie_jar.clear()
        sent = dict(headers or {})
        if as_ is not None:
            sent["Authorization"] = f"Bearer {as_.token}"
        async with self.client.request(
            method, path, json=json, data=data, headers=sent
        ) as response:
            body = await response.json() if response.content_type == "application/json" else None
            return Reply(response.status, body, dict(response.headers))

    async def register(
        self, role: str = "participant", name: str | None = None, *, verified: bool = True
    ) -> Actor:
        """A new account, signed in; when the API requires it, its address verified through
        the mailed link (``verified=False``: not yet)."""
        number = next(_numbers)
        email = f"{role}-{number}@example.org"
        reply = await self.call(
            "POST",
            "/api/accounts",
            json={
                "email": email,
                "password": PASSWORD,
                "display_name": name or f"{role.title()} {number}",
                "role": role,
            },
        )
        assert reply.status == 201, reply.body
        signed = await self.call(
            "POST", "/api/auth/sign-in", json={"email": email, "password": PASSWORD}
        )
        assert signed.status == 200, signed.body
        actor = Actor(reply.body, signed.body["token"], email)
        if verified and self.config.require_email_verification:
            await verify_address(self.client.session, self.url, email, actor.token)
        return actor

    async def create_session(self, facilitator: Actor, **fields: Any) -> dict[str, Any]:
        body: dict[str, Any] = {
            "title": "Conversation club",
            "timezone": "Europe/Berlin",
            "starts_at": (self.clock.now + timedelta(days=1)).isoformat(),
            "duration_minutes": 60,
            "capacity": 10,
        }
        body.update(fields)
        reply = await self.call("POST", "/api/sessions", as_=facilitator, json=body)
        assert reply.status == 201, reply.body
        return reply.body


@asynccontextmanager
async def running_api(
    db_url: str,
    *,
    livekit: LiveKitConfig = OFFLINE_LIVEKIT,
    clock: Clock | None = None,
    mail: MailConfig = NO_SMTP,
    verification: bool = VERIFICATION,
    join_window_minutes: int = 15,
) -> AsyncIterator[Api]:
    clock = clock or Clock()
    config = ApiConfig(
        join_window=timedelta(minutes=join_window_minutes),
        db_url=db_url,
        host="127.0.0.1",
        port=0,
        livekit=livekit,
        clock=clock,
        mail=mail,
        require_email_verification=verification,
    )
    client = TestClient(TestServer(create_app(config)))
    await client.start_server()
    try:
        yield Api(client, clock, config)
    finally:
        await client.close()


async def seed_participants(
    db_url: str, count: int, *, valid_until: datetime, prefix: str = "seeded"
) -> list[str]:
    """``count`` signed-in participants written straight into the database; their tokens.

    Registering them over HTTP would spend seconds on argon2 and tell nothing new. Their
    addresses count as verified (as an operator's import would), so they may book on an
    API that requires verification (the product's default).
    """
    tokens = [new_token() for _ in range(count)]

    def seed(conn: Conn) -> None:
        for number, token in enumerate(tokens):
            user = accounts.create_user(
                conn, f"{prefix}-{number}@example.org", f"{prefix.title()} {number}",
                "participant", "-",
            )  # fmt: skip
            accounts.create_token(
                conn, user_id=user.id, token_hash=token_hash(token), expires_at=valid_until
            )
            account_tokens.mark_verified(conn, user.id, START)

    db = await Database.open(db_url)
    try:
        await db.write(seed)
    finally:
        await db.aclose()
    return tokens
