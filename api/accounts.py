"""Accounts: register, sign in, sign out, who am I."""

from __future__ import annotations

import math

from aiohttp import web

from api import account_care, auth, passwords, views
from api.auth import (
    COOKIE,
    CSRF_COOKIE,
    csrf_token,
    new_token,
    require_user,
    signed_in,
    token_hash,
)
from api.errors import ApiError
from api.keys import CONFIG, DB
from api.models.accounts import Credentials, Registration, SignedIn
from api.responses import json_response
from api.validation import password_refused, read_body, usable_email
from db import account_tokens, accounts
from db.conn import Conn

WRONG_CREDENTIALS = "The email or password is wrong."


async def register(request: web.Request) -> web.Response:
    body = await read_body(request, Registration)
    email, password = usable_email(body.email, "email"), body.password
    name, role = body.display_name, body.role
    problem = passwords.password_problem(password, email)
    if problem:
        raise password_refused(password, problem)
    password_hash = await passwords.hash_password(password)

    config = request.app[CONFIG]
    # COLEARN_FACILITATOR_SIGNUP=approval: a participant until an admin grants it
    asks = role == accounts.FACILITATOR and config.facilitator_signup == "approval"

    def sign_up(conn: Conn) -> accounts.User:
        made = accounts.create_user(
            conn, email, name, accounts.PARTICIPANT if asks else role, password_hash
        )
        if asks:
            account_tokens.request_facilitator(conn, made.id, config.clock())
        account_care.mail_verification(conn, request, made)  # when verification is required
        return made

    try:
        user = await request.app[DB].write(sign_up)
    except accounts.EmailTaken:
        raise ApiError(409, "email_taken", f"An account with {email} already exists.") from None
    return json_response(views.user(user), status=201)


async def sign_in(request: web.Request) -> web.Response:
    body = await read_body(request, Credentials)
    email, password = passwords.normalise_email(body.email), body.password
    config, db = request.app[CONFIG], request.app[DB]
    now = config.clock()
    try:
        attempt = await db.write(accounts.begin_sign_in, email, request.remote or "?", now)
    except accounts.TooManyAttempts as exc:
        seconds = max(1, math.ceil(exc.retry_after_s))
        whom = "this account" if exc.whom == "account" else "your address"
        what = f"Too many failed sign-ins for {whom}"
        if exc.whom == "in_flight":
            what = "Too many sign-ins at once from your address"
        raise ApiError(
            429,
            "too_many_attempts",
            f"{what}; try again in {seconds} seconds.",
            headers={"Retry-After": str(seconds)},
        ) from None
    found = await accounts.credentials(db, email)
    ok, rehash = await passwords.verify_password(found[1] if found else None, password)
    if not ok or found is None:
        await db.write(accounts.sign_in_failed, attempt, config.clock())
        raise ApiError(401, "wrong_credentials", WRONG_CREDENTIALS)
    user = found[0]
    new_hash = await passwords.hash_password(password) if rehash else None
    token = new_token()
    expires_at = now + config.auth_token_ttl
    agent = request.headers.get("User-Agent")
    await db.write(
        accounts.signed_in, user.id, email, token_hash(token), expires_at, new_hash, agent
    )
    csrf = csrf_token(token)
    answer: SignedIn = {
        "token": token,
        "token_type": "Bearer",
        "expires_at": views.instant(expires_at),
        "csrf_token": csrf,
        "user": views.user(user),
    }
    response = json_response(answer)
    max_age = int(config.auth_token_ttl.total_seconds())
    cookie = {"max_age": max_age, "path": "/", "samesite": "Lax", "secure": config.cookie_secure}
    response.set_cookie(COOKIE, token, httponly=True, **cookie)  # type: ignore[arg-type]
    # Readable by the page's script, which echoes it in X-CSRF-Token on writes.
    response.set_cookie(CSRF_COOKIE, csrf, httponly=False, **cookie)  # type: ignore[arg-type]
    return response


async def sign_out(request: web.Request) -> web.Response:
    await require_user(request)
    owner = await signed_in(request)
    assert owner is not None  # require_user saw to that
    await request.app[DB].write(auth.revoke_everywhere, owner.token_id, request.app[CONFIG].clock())
    auth.forget(request)
    response = web.Response(status=204)
    response.del_cookie(COOKIE, path="/")
    response.del_cookie(CSRF_COOKIE, path="/")
    return response


async def me(request: web.Request) -> web.Response:
    return json_response(views.user(await require_user(request)))


def setup(app: web.Application) -> None:
    app.router.add_post("/api/accounts", register)
    app.router.add_post("/api/auth/sign-in", sign_in)
    app.router.add_post("/api/auth/sign-out", sign_out)
    app.router.add_get("/api/auth/me", me)
