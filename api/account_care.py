"""Accounts run with care: email verification, password reset by mail, changing the
password, and one's own list of sign-ins with revoke.

Mailed links carry a single-use token (only its SHA-256 is stored, ``db.account_tokens``);
the page at the link (or any client) sends it back to the API. A reset request answers
the same 202, doing the same work, whether or not the address has an account, so it tells
nobody which addresses do. Changing or resetting the password revokes sign-ins, on every
API node at once (the same events as signing out).
"""

from __future__ import annotations

from datetime import datetime

from aiohttp import web

from api import passwords, views
from api.auth import REVOCATIONS, TOKENS, new_token, require_user, signed_in, token_hash
from api.errors import ApiError
from api.keys import CONFIG, DB
from api.lookup import path_id
from api.models.accounts import LinkTokenBody, PasswordChange, ResetConfirm, ResetRequest
from api.responses import json_response
from api.validation import password_refused, read_body
from db import account_tokens as tokens
from db import accounts
from db.account_tokens import PASSWORD_RESET, VERIFY_EMAIL, LinkNotValid
from db.accounts import User
from db.conn import Conn
from db.errors import NotFound
from db.events import record_event

RESET_ANSWER = {
    "message": "If an account has this address, a link to set a new password is on its way."
}
LINK_NOT_VALID = "This link is not valid: it was used already, has expired or was replaced."


def _revoke(conn: Conn, user_id: int, now: datetime, keep: int | None) -> list[int]:
    """Unit of work: revoke the user's sign-ins but ``keep`` and tell every API node."""
    revoked = tokens.revoke_sign_ins(conn, user_id, now, keep=keep)
    for token_id in revoked:
        record_event(conn, REVOCATIONS, "token.revoked", {"token_id": token_id})
    return revoked


def _forget(request: web.Request, revoked: list[int]) -> int:
    """This node's cache forgets them now (the others on the events); how many."""
    for token_id in revoked:
        request.app[TOKENS].forget_token(token_id)
    return len(revoked)


def _link_error() -> ApiError:
    # No usable link has this token (unknown, used, expired or replaced): one answer for all.
    return ApiError(404, "link_not_valid", LINK_NOT_VALID)


def _issue(request: web.Request, user_id: int, purpose: str):  # type: ignore[no-untyped-def]
    """The unit of work mailing a new link of ``purpose`` to ``user_id``."""
    config = request.app[CONFIG]
    ttl = config.verify_link_ttl if purpose == VERIFY_EMAIL else config.reset_link_ttl
    token = new_token()

    def unit(conn: Conn) -> bool:
        return tokens.issue(
            conn,
            user_id,
            purpose,
            token=token,
            token_hash=token_hash(token),
            now=config.clock(),
            valid_for=ttl,
        )

    return unit


def mail_verification(conn: Conn, request: web.Request, user: User) -> None:
    """At sign-up, inside its unit of work: the verification link, when it is required."""
    if request.app[CONFIG].require_email_verification:
        _issue(request, user.id, VERIFY_EMAIL)(conn)


async def require_verified(request: web.Request, user: User, doing: str) -> None:
    """403 when verification is required and ``user`` has not verified their address."""
    if not request.app[CONFIG].require_email_verification:
        return
    if not await request.app[DB].read(tokens.is_verified, user.id):
        raise ApiError(
            403,
            "email_not_verified",
            f"Verify your email address before you {doing}: open the link we mailed you"
            " (POST /api/me/email-verification sends a new one).",
        )


async def request_reset(request: web.Request) -> web.Response:
    email = (await read_body(request, ResetRequest)).email
    if passwords.email_problem(email):
        email = ""  # no address in the spelling kept: no account has it, the same answer
    config = request.app[CONFIG]
    token = new_token()  # made whether or not anyone has the address: the same work

    def unit(conn: Conn) -> None:
        user_id = tokens.user_with_email(conn, email)
        if user_id is not None:
            tokens.issue(
                conn,
                user_id,
                PASSWORD_RESET,
                token=token,
                token_hash=token_hash(token),
                now=config.clock(),
                valid_for=config.reset_link_ttl,
            )

    await request.app[DB].write(unit)
    return json_response(RESET_ANSWER, status=202)


async def confirm_reset(request: web.Request) -> web.Response:
    body = await read_body(request, ResetConfirm)
    token, password = body.token, body.password
    db, clock = request.app[DB], request.app[CONFIG].clock
    digest = token_hash(token)
    try:
        _, email = await db.read(tokens.holder, PASSWORD_RESET, digest, clock())
    except LinkNotValid:
        raise _link_error() from None
    problem = passwords.password_problem(password, email)
    if problem:
        raise password_refused(password, problem)
    new_hash = await passwords.hash_password(password)

    def unit(conn: Conn) -> list[int]:
        now = clock()
        user_id = tokens.redeem(conn, PASSWORD_RESET, digest, now)
        tokens.set_password(conn, user_id, new_hash)
        tokens.mark_verified(conn, user_id, now)  # the link reached the mailbox
        return _revoke(conn, user_id, now, keep=None)

    try:
        revoked = await db.write(unit)
    except LinkNotValid:
        raise _link_error() from None
    return json_response({"signed_out": _forget(request, revoked)})


async def verify_email(request: web.Request) -> web.Response:
    token = (await read_body(request, LinkTokenBody)).token
    clock = request.app[CONFIG].clock

    def unit(conn: Conn) -> User:
        now = clock()
        user_id = tokens.redeem(conn, VERIFY_EMAIL, token_hash(token), now)
        tokens.mark_verified(conn, user_id, now)
        found = accounts.load_user(conn, user_id)
        assert found is not None
        return found

    try:
        user = await request.app[DB].write(unit)
    except LinkNotValid:
        raise _link_error() from None
    return json_response({"email_verified": True, "user": views.user(user)})


async def verification_state(request: web.Request) -> web.Response:
    user = await require_user(request)
    verified = await request.app[DB].read(tokens.is_verified, user.id)
    return json_response(
        {
            "email_verified": verified,
            "required": request.app[CONFIG].require_email_verification,
        }
    )


async def send_verification(request: web.Request) -> web.Response:
    user = await require_user(request)
    db = request.app[DB]
    if await db.read(tokens.is_verified, user.id):
        return json_response({"email_verified": True, "sent": False})
    sent = await db.write(_issue(request, user.id, VERIFY_EMAIL))
    return json_response({"email_verified": False, "sent": sent}, status=202)


async def change_password(request: web.Request) -> web.Response:
    owner = await signed_in(request)
    user = await require_user(request)
    assert owner is not None
    body = await read_body(request, PasswordChange)
    current, new = body.current_password, body.new_password
    problem = passwords.password_problem(new, user.email)
    if problem:
        raise password_refused(new, problem, field="new_password")
    config, db = request.app[CONFIG], request.app[DB]
    # the current password is checked like a sign-in: guesses count against the account
    try:
        attempt = await db.write(
            accounts.begin_sign_in, user.email, request.remote or "?", config.clock()
        )
    except accounts.TooManyAttempts as exc:
        seconds = max(1, int(exc.retry_after_s + 0.999))
        raise ApiError(
            429,
            "too_many_attempts",
            f"Too many wrong passwords; try again in {seconds} seconds.",
            headers={"Retry-After": str(seconds)},
        ) from None
    found = await accounts.credentials(db, user.email)
    ok, _ = await passwords.verify_password(found[1] if found else None, current)
    if not ok:
        await db.write(accounts.sign_in_failed, attempt, config.clock())
        raise ApiError(403, "wrong_password", "current_password is not your password.")
    new_hash = await passwords.hash_password(new)

    def unit(conn: Conn) -> list[int]:
        tokens.forget_attempt(conn, attempt)
        tokens.set_password(conn, user.id, new_hash)
        return _revoke(conn, user.id, config.clock(), keep=owner.token_id)

    revoked = await db.write(unit)
    return json_response({"signed_out": _forget(request, revoked)})


async def my_sign_ins(request: web.Request) -> web.Response:
    owner = await signed_in(request)
    await require_user(request)
    assert owner is not None
    now = request.app[CONFIG].clock()
    found = await request.app[DB].read(tokens.active_sign_ins, owner.user.id, now)
    items = [
        {
            "id": s.id,
            "created_at": views.instant(s.created_at),
            "expires_at": views.instant(s.expires_at),
            "user_agent": s.user_agent,
            "current": s.id == owner.token_id,
        }
        for s in found
    ]
    return json_response({"items": items})


async def revoke_sign_in(request: web.Request) -> web.Response:
    user = await require_user(request)
    token_id = path_id(request)
    clock = request.app[CONFIG].clock

    def unit(conn: Conn) -> None:
        tokens.revoke_own(conn, user.id, token_id, clock())
        record_event(conn, REVOCATIONS, "token.revoked", {"token_id": token_id})

    try:
        await request.app[DB].write(unit)
    except NotFound as exc:
        raise ApiError(404, "not_found", str(exc)) from None
    _forget(request, [token_id])
    return web.Response(status=204)


def setup(app: web.Application) -> None:
    app.router.add_post("/api/auth/password-reset", request_reset)
    app.router.add_post("/api/auth/password-reset/confirm", confirm_reset)
    app.router.add_post("/api/auth/verify-email", verify_email)
    app.router.add_get("/api/me/email-verification", verification_state)
    app.router.add_post("/api/me/email-verification", send_verification)
    app.router.add_post("/api/me/password", change_password)
    app.router.add_get("/api/me/sign-ins", my_sign_ins)
    app.router.add_delete(r"/api/me/sign-ins/{id:\d+}", revoke_sign_in)
