"""Who is asking: a sign-in token from ``Authorization: Bearer`` or the HttpOnly cookie.

Tokens are 256 random bits; only their SHA-256 is stored. The web page keeps the token in
an HttpOnly cookie, which a browser also attaches to requests another site makes it send,
so a write authenticated by that cookie must carry the CSRF token in ``X-CSRF-Token``: a
value derived from the sign-in token that script on another origin cannot read.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import AsyncIterator
from contextlib import suppress
from datetime import datetime

from aiohttp import web

from api.errors import ApiError
from api.keys import CONFIG, DB, EVENTS
from db import accounts, admin
from db.accounts import User
from db.conn import Conn
from db.events import record_event

COOKIE = "colearn_auth"
CSRF_COOKIE = "colearn_csrf"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

USER = web.RequestKey("user", accounts.TokenOwner)

CACHE_SECONDS = 5.0
CACHE_LIMIT = 10_000


class TokenCache:
    """Recently seen tokens, so a busy client's requests do not each read the database.

    Signing out forgets the token at once here, and on every other API node as soon as
    the sign-out's event reaches it (``revoke_everywhere``); ``CACHE_SECONDS`` bounds it
    should that event be late. Expiry is checked on every request regardless.
    """

    def __init__(self) -> None:
        self._seen: dict[str, tuple[float, accounts.TokenOwner]] = {}

    def get(self, digest: str) -> accounts.TokenOwner | None:
        found = self._seen.get(digest)
        if found is None or time.monotonic() - found[0] > CACHE_SECONDS:
            return None
        return found[1]

    def put(self, digest: str, owner: accounts.TokenOwner) -> None:
        if len(self._seen) >= CACHE_LIMIT:
            self._seen.clear()
        self._seen[digest] = (time.monotonic(), owner)

    def forget(self, digest: str) -> None:
        self._seen.pop(digest, None)

    def forget_token(self, token_id: int) -> None:
        """A token signed out on any API node (rare: a scan is fine)."""
        for digest, (_, owner) in list(self._seen.items()):
            if owner.token_id == token_id:
                self._seen.pop(digest, None)


# Sign-outs as events: every API node drops the token from its cache as soon as the commit
# is announced (PostgreSQL: LISTEN/NOTIFY, milliseconds), not CACHE_SECONDS later.
REVOCATIONS = "auth:revoked"


def revoke_everywhere(conn: Conn, token_id: int, now: datetime) -> None:
    """Unit of work: sign the token out and tell every API node's cache."""
    accounts.revoke_token(conn, token_id, now)
    record_event(conn, REVOCATIONS, "token.revoked", {"token_id": token_id})


async def _follow_revocations(app: web.Application) -> AsyncIterator[None]:
    hub = app[EVENTS]
    subscriber = hub.subscribe(frozenset({REVOCATIONS}))

    async def follow() -> None:
        while (item := await subscriber.queue.get()) is not None:
            data = item[1].split(b"\ndata: ", 1)[1]
            app[TOKENS].forget_token(int(json.loads(data)["payload"]["token_id"]))

    task = asyncio.create_task(follow(), name="colearn-token-revocations")
    yield
    hub.unsubscribe(subscriber)
    task.cancel()
    with suppress(asyncio.CancelledError):
        await task


TOKENS = web.AppKey("tokens", TokenCache)


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def csrf_token(token: str) -> str:
    return hmac.new(token.encode(), b"colearn csrf", hashlib.sha256).hexdigest()


def _unauthorized(message: str) -> ApiError:
    return ApiError(
        401, "unauthorized", message, headers={"WWW-Authenticate": 'Bearer realm="colearn"'}
    )


def _presented_token(request: web.Request) -> tuple[str, bool] | None:
    """The token and whether it came from the cookie."""
    header = request.headers.get("Authorization")
    if header is not None:
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            raise _unauthorized("The Authorization header must be 'Bearer <token>'.")
        return value.strip(), False
    cookie = request.cookies.get(COOKIE)
    return (cookie, True) if cookie else None


async def signed_in(request: web.Request) -> accounts.TokenOwner | None:
    """The signed-in user's token, or None for an anonymous request; 401 for a bad token."""
    if USER in request:
        return request[USER]
    presented = _presented_token(request)
    if presented is None:
        return None
    token, from_cookie = presented
    digest = token_hash(token)
    cache = request.app[TOKENS]
    owner = cache.get(digest)
    if owner is None:
        owner = await accounts.token_owner(request.app[DB], digest)
        if owner is not None and owner.revoked_at is None:
            cache.put(digest, owner)
    if owner is None:
        raise _unauthorized("This sign-in token is not valid; sign in again.")
    if owner.revoked_at is not None:
        raise _unauthorized("This sign-in token was signed out; sign in again.")
    if owner.expires_at <= request.app[CONFIG].clock():
        raise _unauthorized("This sign-in token has expired; sign in again.")
    if from_cookie and request.method not in SAFE_METHODS:
        sent = request.headers.get(CSRF_HEADER, "")
        if not hmac.compare_digest(sent, csrf_token(token)):
            raise ApiError(
                403,
                "csrf_failed",
                f"A request signed in by cookie must send the {CSRF_HEADER} header "
                "that sign-in returned.",
            )
    request[USER] = owner
    return owner


def forget(request: web.Request) -> None:
    """Drop the token of this request from the cache (it was just revoked)."""
    presented = _presented_token(request)
    if presented is not None:
        request.app[TOKENS].forget(token_hash(presented[0]))


def setup(app: web.Application) -> None:
    app[TOKENS] = TokenCache()
    app.cleanup_ctx.append(_follow_revocations)  # after the event hub's: it needs the hub


async def require_user(request: web.Request) -> User:
    owner = await signed_in(request)
    if owner is None:
        raise _unauthorized("Sign in first: send 'Authorization: Bearer <token>'.")
    return owner.user


async def _admin_as_facilitator(request: web.Request, user: User, role: str) -> bool:
    """An admin (``python -m api admin role grant admin``) may do what any facilitator may."""
    return role == accounts.FACILITATOR and await admin.is_admin(request.app[DB], user.id)


async def require_role(request: web.Request, role: str, doing: str) -> User:
    user = await require_user(request)
    if user.role != role and not await _admin_as_facilitator(request, user, role):
        raise ApiError(
            403, "wrong_role", f"Only a {role} can {doing}; you are signed in as a {user.role}."
        )
    return user
