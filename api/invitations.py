"""Invitations: a facilitator invites members (by email or from past participants) and
guests (by email) to an occurrence or a whole series; invitees answer from their dashboard.

A request invites everyone it names or, if one of them cannot be invited, nobody. Inviting
the same address to the same thing again changes nothing. Facilitators may send
``PER_HOUR`` invitations an hour.
"""

from __future__ import annotations

from datetime import timedelta

from aiohttp import web

from api import invitation_views, views
from api.account_care import require_verified
from api.auth import new_token, require_user, token_hash
from api.authorization import require
from api.bookings import _refused as refused_error
from api.errors import ApiError
from api.keys import CONFIG, DB, HTTP
from api.lookup import occurrence_or_404, path_id, session_or_404
from api.models.invitations import (
    NOT_PAST,
    Invitation,
    InvitationAnswer,
    InvitationList,
    InvitationRequest,
    PastParticipants,
)
from api.responses import json_response
from api.room_service import remove_from_room
from api.validation import invalid, read_body, unprocessable, usable_email
from db import bookings, guests, invitation_reads, invitation_requests, invitations, occurrences
from db.invitation_requests import MAX_PER_REQUEST, PER_HOUR, Invitee, InviteRequest
from db.invitations import Invitation as Found
from db.occurrences import Occurrence
from db.sessions import Session


async def show(request: web.Request, found: Found) -> Invitation:
    db = request.app[DB]
    if found.occurrence_id is not None:
        occurrence = await occurrence_or_404(request, found.occurrence_id)
    else:
        now = request.app[CONFIG].clock()
        coming = [
            o
            for o in await occurrences.of_session(db, found.session_id)
            if o.status == occurrences.SCHEDULED and o.ends_at > now
        ]
        occurrence = coming[0] if coming else None
    seats = await invitation_reads.seats(db, found.id)
    return invitation_views.invitation(found, seats, occurrence, request.app[CONFIG].join_window)


def _emails(body: InvitationRequest) -> list[Invitee]:
    """The addresses the request names, in their one spelling, once each; each with a guest
    link (used only if the address turns out to have no account)."""
    named: dict[str, Invitee] = {}
    for index, email in enumerate(body.emails):
        usable_email(email, f"emails[{index}]")  # 422 email_not_usable
        if email not in named:
            token = new_token()
            named[email] = Invitee(email, token, token_hash(token))
    return list(named.values())


def _refusal(exc: invitation_requests.Refusal) -> ApiError:
    if isinstance(exc, invitation_requests.NotPastParticipant):
        return unprocessable("not_past_participant", f"user_ids[{exc.index}] {NOT_PAST}")
    if isinstance(exc, invitation_requests.NotAParticipant):
        return ApiError(
            409,
            "not_a_participant",
            f"{exc.email} is a facilitator's account; only participants and guests are invited.",
        )
    if isinstance(exc, invitation_requests.GuestNeedsOccurrence):
        return ApiError(
            409,
            "guest_needs_occurrence",
            f"{exc.email} has no account: guests are invited to one occurrence at a time "
            "(POST /api/occurrences/{id}/invitations).",
        )
    if isinstance(exc, invitation_requests.RateLimited):
        return ApiError(
            429,
            "too_many_invitations",
            f"You can send {PER_HOUR} invitations an hour and have sent {exc.sent}; "
            f"try again in {exc.retry_after_s} seconds.",
            headers={"Retry-After": str(exc.retry_after_s)},
        )
    return invalid(f"at most {MAX_PER_REQUEST} people can be invited at once")


async def _invite(
    request: web.Request, session: Session, occurrence: Occurrence | None
) -> web.Response:
    if occurrence is None:
        facilitator = await require(request, "session.invite", session)
    else:
        facilitator = await require(request, "occurrence.invite", occurrence)
    occurrence_id = occurrence.id if occurrence is not None else None
    await require_verified(request, facilitator, "invite people")
    body = await read_body(request, InvitationRequest)
    wanted = InviteRequest(
        session_id=session.id,
        occurrence_id=occurrence_id,
        invited_by=facilitator.id,
        emails=_emails(body),
        user_ids=list(body.user_ids),
        hold=timedelta(minutes=body.hold_minutes) if body.hold_minutes else None,
    )
    now = request.app[CONFIG].clock()
    try:
        made = await request.app[DB].write(invitation_requests.invite_many, wanted, now)
    except invitation_requests.Refusal as exc:
        raise _refusal(exc) from None
    except bookings.Refused as exc:
        raise refused_error(exc, occurrence_id or 0) from None
    items = [await show(request, found) for found, _ in made]
    for item, (_, created) in zip(items, made, strict=True):
        item["created"] = created
    status = 201 if any(created for _, created in made) else 200
    answer: InvitationList = {"items": items}
    return json_response(answer, status=status)


async def invite_to_occurrence(request: web.Request) -> web.Response:
    occurrence = await occurrence_or_404(request, path_id(request))
    session = await session_or_404(request, occurrence.session_id)
    return await _invite(request, session, occurrence)


async def invite_to_series(request: web.Request) -> web.Response:
    session = await session_or_404(request, path_id(request))
    return await _invite(request, session, None)


async def of_session(request: web.Request) -> web.Response:
    session = await session_or_404(request, path_id(request))
    await require(request, "session.invitations", session)
    found = await invitation_reads.of_session(request.app[DB], session.id)
    answer: InvitationList = {"items": [await show(request, i) for i in found]}
    return json_response(answer)


async def candidates(request: web.Request) -> web.Response:
    user = await require(request, "invitation.candidates")
    now = request.app[CONFIG].clock()
    people = await invitation_requests.past_participants(request.app[DB], user.id, now)
    answer: PastParticipants = {"items": [invitation_views.past_participant(p) for p in people]}
    return json_response(answer)


async def _found(request: web.Request) -> Found:
    invitation_id = path_id(request)
    found = await invitation_reads.invitation(request.app[DB], invitation_id)
    if found is None:
        raise ApiError(404, "not_found", f"There is no invitation {invitation_id}.")
    return found


async def revoke(request: web.Request) -> web.Response:
    found = await _found(request)
    session = await session_or_404(request, found.session_id)
    await require(request, "invitation.revoke", session)
    try:
        done = await request.app[DB].write(
            invitations.revoke, found.id, request.app[CONFIG].clock()
        )
    except invitations.NotOpen:
        raise ApiError(
            409,
            "invitation_accepted",
            "This member accepted the invitation; the booking is theirs to cancel.",
        ) from None
    if found.kind == invitations.GUEST and found.occurrence_id is not None:
        # a guest already in the room leaves it now, not when their token runs out
        occurrence = await occurrence_or_404(request, found.occurrence_id)
        await remove_from_room(
            request.app[CONFIG].livekit,
            request.app[HTTP],
            occurrence.room_name,
            guests.identity(found.id),
        )
    return json_response(await show(request, done))


async def mine(request: web.Request) -> web.Response:
    user = await require_user(request)
    found = await invitation_reads.of_user(request.app[DB], user.id)
    answer: InvitationList = {"items": [await show(request, i) for i in found]}
    return json_response(answer)


async def _own(request: web.Request) -> Found:
    user = await require_user(request)
    found = await _found(request)
    if found.user_id != user.id:
        raise ApiError(403, "not_yours", "You can only answer your own invitations.")
    return found


def _not_open(exc: invitations.NotOpen) -> ApiError:
    return ApiError(409, f"invitation_{exc.status}", f"This invitation was {exc.status}.")


async def accept(request: web.Request) -> web.Response:
    found = await _own(request)
    await require_verified(request, await require_user(request), "accept an invitation")
    now = request.app[CONFIG].clock()
    try:
        done, made = await request.app[DB].write(invitations.accept_member, found.id, now)
    except invitations.NotOpen as exc:
        raise _not_open(exc) from None
    except bookings.Refused as exc:
        raise refused_error(exc, found.occurrence_id or 0) from None
    answer: InvitationAnswer = {
        **await show(request, done),
        "bookings": [views.booking(o.booking) for o in made],
    }
    return json_response(answer)


async def decline(request: web.Request) -> web.Response:
    found = await _own(request)
    try:
        done = await request.app[DB].write(
            invitations.decline, found.id, request.app[CONFIG].clock()
        )
    except invitations.NotOpen as exc:
        raise _not_open(exc) from None
    return json_response(await show(request, done))


def setup(app: web.Application) -> None:
    app.router.add_post(r"/api/occurrences/{id:\d+}/invitations", invite_to_occurrence)
    app.router.add_post(r"/api/sessions/{id:\d+}/invitations", invite_to_series)
    app.router.add_get(r"/api/sessions/{id:\d+}/invitations", of_session)
    app.router.add_get("/api/invitations", mine)
    app.router.add_get("/api/invitations/candidates", candidates)
    app.router.add_delete(r"/api/invitations/{id:\d+}", revoke)
    app.router.add_post(r"/api/invitations/{id:\d+}/accept", accept)
    app.router.add_post(r"/api/invitations/{id:\d+}/decline", decline)
