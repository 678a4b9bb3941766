"""Guests: the personal link of a guest invitation, used without an account.

The link is ``{COLEARN_PUBLIC_URL}/guest#{token}``: the token sits in the fragment, which
browsers never send to a server, so it stays out of access logs and Referer headers; the
page sends it in the body of these POSTs. Only its SHA-256 is stored. A link works from
the invitation until its occurrence ends, unless the facilitator withdraws it; a guest
who makes an account with it may do so for ``ACCOUNT_GRACE`` after the end, to keep their
chat and vocabulary.
"""

from __future__ import annotations

from datetime import timedelta

from aiohttp import web

from api import passwords, views
from api.auth import token_hash
from api.authorization import require_guest
from api.bookings import _refused as refused_error
from api.errors import ApiError
from api.invitations import show
from api.keys import CONFIG, DB
from api.lookup import occurrence_or_404
from api.models.invitations import GuestAccept, GuestAccount, GuestInvitation, GuestLink
from api.models.sessions import RoomToken
from api.responses import json_response
from api.room_access import MIN_TTL, _check_window, refuse_if_ended
from api.room_tokens import GUEST, room_token
from api.validation import password_refused, read_body, unprocessable
from db import accounts, bookings, guests, invitation_reads, occurrences
from db.invitations import ACCEPTED, REVOKED, Invitation, NotOpen
from db.occurrences import Occurrence

ACCOUNT_GRACE = timedelta(days=7)


async def _invitation(
    request: web.Request, token: str, *, after_end: timedelta = timedelta(0)
) -> tuple[Invitation, Occurrence]:
    """The guest invitation ``token`` (the link's fragment) opens, or the error page's reason."""
    found = await invitation_reads.by_token_hash(request.app[DB], token_hash(token))
    if found is None or found.occurrence_id is None:
        raise ApiError(
            404,
            "invitation_unknown",
            "This invitation link is not valid. Open the whole link from your invitation mail, "
            "or ask whoever invited you for a new one.",
        )
    occurrence = await occurrence_or_404(request, found.occurrence_id)
    if found.status == REVOKED:
        raise _revoked(occurrence)
    if occurrence.status != occurrences.SCHEDULED:
        raise ApiError(410, "occurrence_cancelled", f"{occurrence.title} was cancelled.")
    if occurrence.ends_at + after_end <= request.app[CONFIG].clock():
        raise ApiError(
            410,
            "invitation_expired",
            f"This invitation expired when {occurrence.title} ended at "
            f"{views.local(occurrence.ends_at, occurrence.timezone)}.",
        )
    return found, occurrence


async def _answer(request: web.Request, found: Invitation) -> web.Response:
    shown = await show(request, found)
    shown.pop("email")  # the link alone must not reveal the address it was sent to
    answer: GuestInvitation = {**shown, "has_account": found.user_id is not None}
    return json_response(answer)


def _has_account() -> ApiError:
    return ApiError(
        409,
        "has_account",
        "You made an account with this invitation: sign in to join as yourself.",
    )


def _no_account(found: Invitation) -> None:
    if found.user_id is not None:
        raise _has_account()


def _revoked(occurrence: Occurrence) -> ApiError:
    return ApiError(
        410,
        "invitation_revoked",
        f"{occurrence.facilitator_name} withdrew this invitation; the link no longer works.",
    )


async def lookup(request: web.Request) -> web.Response:
    body = await read_body(request, GuestLink)
    found, _ = await _invitation(request, body.token)
    return await _answer(request, found)


async def accept(request: web.Request) -> web.Response:
    body = await read_body(request, GuestAccept)
    found, occurrence = await _invitation(request, body.token)
    now = request.app[CONFIG].clock()
    try:
        done = await request.app[DB].write(
            guests.accept_guest, found.id, body.display_name, body.token, now
        )
    except guests.HasAccount:
        raise _has_account() from None
    except NotOpen as exc:
        if exc.status == REVOKED:
            raise _revoked(occurrence) from None
        raise ApiError(
            409, f"invitation_{exc.status}", f"This invitation was {exc.status}."
        ) from None
    except bookings.OccurrenceFull as exc:
        raise ApiError(
            409,
            "occurrence_full",
            f"{occurrence.title} is full: {exc.booked} of {exc.capacity} seats are taken. "
            f"Ask {occurrence.facilitator_name} to make room.",
        ) from None
    except bookings.Refused as exc:
        raise refused_error(exc, occurrence.id) from None
    return await _answer(request, done)


async def token(request: web.Request) -> web.Response:
    body = await read_body(request, GuestLink)
    found, occurrence = await _invitation(request, body.token)
    _no_account(found)
    require_guest("occurrence.room_token")  # the link is a guest's; may a guest join?
    if found.status != ACCEPTED or not found.display_name:
        raise ApiError(409, "name_first", "Enter your name first (POST /api/guest/accept).")
    config = request.app[CONFIG]
    now = config.clock()
    _check_window(occurrence, now, config.join_window)
    await refuse_if_ended(request, occurrence)
    ttl = max(occurrence.ends_at - now, MIN_TTL)
    identity = guests.identity(found.id)
    jwt = room_token(
        config.livekit,
        room=occurrence.room_name,
        identity=identity,
        name=found.display_name,
        role=GUEST,
        ttl=ttl,
    )
    answer: RoomToken = {
        "token": jwt,
        "url": config.livekit.url,
        "room": occurrence.room_name,
        "identity": identity,
        "role": GUEST,
        "expires_at": views.instant(now + ttl),
    }
    return json_response(answer)


async def make_account(request: web.Request) -> web.Response:
    body = await read_body(request, GuestAccount)
    found, _ = await _invitation(request, body.token, after_end=ACCOUNT_GRACE)
    password = body.password
    name = body.display_name or found.display_name or ""
    _no_account(found)
    if not name:  # a rule of the stored invitation, no schema's
        raise unprocessable(
            "name_required", "display_name is required: no name was entered for this invitation"
        )
    problem = passwords.password_problem(password, found.email)
    if problem:
        raise password_refused(password, problem)
    password_hash = await passwords.hash_password(password)
    now = request.app[CONFIG].clock()
    try:
        user = await request.app[DB].write(guests.make_account, found.id, name, password_hash, now)
    except guests.HasAccount:
        raise _has_account() from None
    except accounts.EmailTaken:
        raise ApiError(
            409,
            "email_taken",
            "There is already an account with the address this invitation was sent to: sign in.",
        ) from None
    return json_response(views.user(user), status=201)


def setup(app: web.Application) -> None:
    app.router.add_post("/api/guest/invitation", lookup)
    app.router.add_post("/api/guest/accept", accept)
    app.router.add_post("/api/guest/token", token)
    app.router.add_post("/api/guest/account", make_account)
