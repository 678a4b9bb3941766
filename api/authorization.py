"""Who may do what: one table, consulted by every handler it names.

A caller's *relation* to what an action concerns is worked out once (``relations``):

- ``anonymous``: no sign-in; a guest link is not a sign-in either, so a guest is anonymous
  everywhere but on the guest link's own endpoints (``guest``);
- ``participant_booked`` / ``participant_waitlisted`` / ``participant_not_booked``: a
  participant's booking in that occurrence (a cancelled booking is not booked);
- ``facilitator_owner``: the facilitator running its session; ``facilitator_other``: any
  other facilitator;
- ``admin``: granted with ``python -m api admin role grant admin``, in addition to the
  account's own relation. An admin may do whatever any facilitator who owns nothing may,
  and reads rosters, attendance and a session's invitations to help people; not what
  was said (chat, transcripts), and changes nothing of someone else's session here (the
  admin CLI cancels occurrences, on the record).

Refusals: ``401 unauthorized`` without a (valid) sign-in; ``403`` with the rule's code when
signed in but not allowed. A missing session or occurrence is ``404 not_found`` for
everyone: they are listed publicly, so hiding them would protect nothing (personal things,
such as notebook words, are 404 to everyone else, and are outside this table).
"""

from __future__ import annotations

from typing import Protocol

from aiohttp import web

from api.auth import require_user
from api.authorization_table import (
    ADMIN,
    DENY_BOOKED,
    DENY_MEMBER,
    DENY_NOT_PARTICIPANT,
    DENY_OWNER,
    FACILITATOR_OTHER,
    FACILITATOR_OWNER,
    GUEST,
    OCCURRENCE,
    PARTICIPANT_BOOKED,
    PARTICIPANT_NOT_BOOKED,
    PARTICIPANT_WAITLISTED,
    PARTICIPANTS,
    RULES,
    SESSION,
    Rule,
)
from api.errors import ApiError
from api.keys import DB
from api.lookup import occurrence_or_404, path_id
from db import accounts, admin, booking_reads, bookings
from db.accounts import User
from db.occurrences import Occurrence
from db.sessions import Session


class Owned(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def facilitator_id(self) -> int: ...


async def _booking(request: web.Request, user: User, resource: Owned) -> bookings.Booking | None:
    found = await booking_reads.booking_of(request.app[DB], resource.id, user.id)
    return None if found is None or found.status == bookings.CANCELLED else found


def _needs_booking(rule: Rule) -> bool:
    """Whether the three participant relations are told apart for this rule."""
    return rule.scope == OCCURRENCE and (
        len(rule.allowed & PARTICIPANTS) not in (0, 3) or rule.deny == DENY_BOOKED
    )


async def relations(
    request: web.Request, user: User, rule: Rule, resource: Owned | None
) -> set[str]:
    """The caller's relations to ``resource`` (what the rule needs to tell apart)."""
    found = set()
    if resource is not None and resource.facilitator_id == user.id:
        found.add(FACILITATOR_OWNER)
    elif user.role == accounts.FACILITATOR:
        found.add(FACILITATOR_OTHER)
    if user.role == accounts.PARTICIPANT:
        booked = None
        if resource is not None and _needs_booking(rule):
            booked = await _booking(request, user, resource)
        if booked is None:
            found.add(PARTICIPANT_NOT_BOOKED)
        elif booked.status == bookings.WAITLISTED:
            found.add(PARTICIPANT_WAITLISTED)
        else:
            found.add(PARTICIPANT_BOOKED)
    if ADMIN in rule.allowed and not (found & rule.allowed):
        if await admin.is_admin(request.app[DB], user.id):
            found.add(ADMIN)
    return found


async def _refusal(
    request: web.Request, user: User, rule: Rule, resource: Owned | None
) -> ApiError:
    doing, role = rule.doing, user.role
    if rule.deny == DENY_MEMBER:
        return ApiError(
            403,
            "not_a_member",
            "Only the facilitator and the people booked into this occurrence can see this.",
        )
    if rule.deny == DENY_BOOKED:
        booked = None if resource is None else await _booking(request, user, resource)
        if booked is not None and booked.status == bookings.WAITLISTED:
            return ApiError(
                403,
                "not_booked",
                f"You are number {booked.waitlist_position} on the waitlist, not booked; you "
                "can join once a seat frees for you.",
            )
        return ApiError(
            403, "not_booked", "You have not booked this occurrence; book a seat first."
        )
    wanted = accounts.PARTICIPANT if rule.deny == DENY_NOT_PARTICIPANT else accounts.FACILITATOR
    if rule.deny == DENY_OWNER and (
        role == accounts.FACILITATOR or await admin.is_admin(request.app[DB], user.id)
    ):
        also = " or an admin" if ADMIN in rule.allowed else ""
        return ApiError(403, "not_owner", f"Only the session's own facilitator{also} can {doing}.")
    return ApiError(
        403, "wrong_role", f"Only a {wanted} can {doing}; you are signed in as a {role}."
    )


async def require(request: web.Request, action: str, resource: Owned | None = None) -> User:
    """The signed-in caller, if the table lets them do ``action`` to ``resource`` (the
    occurrence or session it concerns; none for role-scoped actions); else 401 or 403."""
    rule = RULES[action]
    wanted = {OCCURRENCE: Occurrence, SESSION: Session}.get(rule.scope, type(None))
    if not isinstance(resource, wanted):
        raise TypeError(f"{action} concerns {rule.scope}, given {type(resource).__name__}")
    user = await require_user(request)
    if not await relations(request, user, rule, resource) & rule.allowed:
        raise await _refusal(request, user, rule, resource)
    return user


async def require_occurrence(request: web.Request, action: str) -> tuple[User, Occurrence]:
    """Sign-in (401), then the occurrence in the path (404), then the table (403)."""
    await require_user(request)
    occurrence = await occurrence_or_404(request, path_id(request))
    return await require(request, action, occurrence), occurrence


def require_guest(action: str) -> None:
    """For the guest link's endpoints: the link has been checked; may a guest do this?"""
    if GUEST not in RULES[action].allowed:
        raise ApiError(403, "guests_cannot", f"A guest link cannot {RULES[action].doing}.")
