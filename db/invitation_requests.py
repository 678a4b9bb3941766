"""One request to invite people, decided in one unit of work: whom it names, whether each
may be invited (members from the facilitator's past participants), the facilitator's hourly
limit, and the invitations themselves.

A request invites everyone it names or, if one of them cannot be invited, nobody. On
PostgreSQL the facilitator's row is locked first, so two requests of one facilitator are
counted against the limit (and look for existing invitations) one after the other.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from db.accounts import PARTICIPANT
from db.conn import Conn
from db.invitations import Invitation, NewInvitation, invite
from db.rows import Source, run
from db.times import from_db, to_db

MAX_PER_REQUEST = 50
PER_HOUR = 200
RATE_WINDOW = timedelta(hours=1)


@dataclass(frozen=True)
class Invitee:
    """An address the request names, with the guest link it gets if it has no account."""

    email: str
    token: str
    token_hash: str


@dataclass(frozen=True)
class InviteRequest:
    session_id: int
    occurrence_id: int | None  # None: the whole series
    invited_by: int
    emails: list[Invitee]  # normalised and valid, in the request's order
    user_ids: list[int]  # in the request's order (a refusal names the index)
    hold: timedelta | None


class Refusal(Exception):
    """The request invites nobody."""


class NotPastParticipant(Refusal):
    def __init__(self, index: int) -> None:
        super().__init__(f"user_ids[{index}]")
        self.index = index


class TooMany(Refusal):
    pass


class NotAParticipant(Refusal):
    """The address has a facilitator's account."""

    def __init__(self, email: str) -> None:
        super().__init__(email)
        self.email = email


class GuestNeedsOccurrence(Refusal):
    """The address has no account, and guests are invited to one occurrence only."""

    def __init__(self, email: str) -> None:
        super().__init__(email)
        self.email = email


class RateLimited(Refusal):
    def __init__(self, sent: int, retry_after_s: int) -> None:
        super().__init__(f"{sent} sent in the last hour")
        self.sent = sent
        self.retry_after_s = retry_after_s


@dataclass(frozen=True)
class PastParticipant:
    user_id: int
    display_name: str
    last_met: datetime  # start of the last meeting of this facilitator they were booked on
    meetings: int


def load_past_participants(
    conn: Conn, facilitator_id: int, now: datetime, limit: int = 200
) -> list[PastParticipant]:
    """People booked on this facilitator's meetings that have ended, most recent first."""
    rows = conn.all(
        "SELECT u.id, u.display_name, MAX(o.starts_at) AS last_met,"
        " COUNT(DISTINCT o.id) AS meetings"
        " FROM bookings b JOIN occurrences o ON o.id = b.occurrence_id"
        " JOIN sessions s ON s.id = o.session_id JOIN users u ON u.id = b.user_id"
        " WHERE s.facilitator_id = :facilitator AND b.status = 'booked' AND o.ends_at <= :now"
        " GROUP BY u.id, u.display_name ORDER BY last_met DESC, u.id LIMIT :limit",
        facilitator=facilitator_id,
        now=to_db(now),
        limit=limit,
    )
    return [
        PastParticipant(r["id"], r["display_name"], from_db(r["last_met"]), int(r["meetings"]))
        for r in rows
    ]


async def past_participants(
    source: Source, facilitator_id: int, now: datetime, limit: int = 200
) -> list[PastParticipant]:
    return await run(source, load_past_participants, facilitator_id, now, limit)


def sent_since(conn: Conn, invited_by: int, since: datetime) -> list[datetime]:
    """When this facilitator's invitations since ``since`` were sent (or sent again), oldest
    first: what the rate limit counts."""
    rows = conn.all(
        "SELECT updated_at FROM invitations WHERE invited_by = :by AND updated_at >= :since"
        " ORDER BY updated_at",
        by=invited_by,
        since=to_db(since),
    )
    return [from_db(row["updated_at"]) for row in rows]


@dataclass(frozen=True)
class _Person:
    user_id: int | None  # None: a guest
    role: str | None
    token: str | None = None
    token_hash: str | None = None


def _people(conn: Conn, request: InviteRequest, now: datetime) -> dict[str, _Person]:
    """Whom the request names, by address, once each (addresses first, then the ids)."""
    named: dict[str, _Person] = {}
    if request.emails:
        accounts = {
            row["email"]: row
            for row in conn.all(
                "SELECT id, email, role FROM users WHERE email IN :emails",
                emails=[i.email for i in request.emails],
            )
        }
        for invitee in request.emails:
            found = accounts.get(invitee.email)
            named[invitee.email] = (
                _Person(found["id"], found["role"])
                if found is not None
                else _Person(None, None, invitee.token, invitee.token_hash)
            )
    if request.user_ids:
        known = {p.user_id for p in load_past_participants(conn, request.invited_by, now)}
        for index, user_id in enumerate(request.user_ids):
            if user_id not in known:
                raise NotPastParticipant(index)
        users = {
            row["id"]: row
            for row in conn.all(
                "SELECT id, email, role FROM users WHERE id IN :ids", ids=request.user_ids
            )
        }
        for user_id in request.user_ids:
            named[users[user_id]["email"]] = _Person(user_id, users[user_id]["role"])
    return named


def _check_rate(conn: Conn, facilitator_id: int, count: int, now: datetime) -> None:
    sent = sent_since(conn, facilitator_id, now - RATE_WINDOW)
    over = len(sent) + count - PER_HOUR
    if over > 0:
        frees = sent[over - 1] + RATE_WINDOW if over <= len(sent) else now + RATE_WINDOW
        raise RateLimited(len(sent), max(1, math.ceil((frees - now).total_seconds())))


def invite_many(conn: Conn, request: InviteRequest, now: datetime) -> list[tuple[Invitation, bool]]:
    """Invite everyone the request names (or find their invitation again, unchanged:
    False); refuses the whole request with a ``Refusal`` or ``bookings.Refused``."""
    conn.one(f"SELECT id FROM users WHERE id = :id{conn.for_update}", id=request.invited_by)
    people = _people(conn, request, now)
    if len(people) > MAX_PER_REQUEST:
        raise TooMany(MAX_PER_REQUEST)
    series = request.occurrence_id is None
    for email, person in people.items():
        if person.user_id is not None and person.role != PARTICIPANT:
            raise NotAParticipant(email)
        if person.user_id is None and series:
            raise GuestNeedsOccurrence(email)
    _check_rate(conn, request.invited_by, len(people), now)
    return [
        invite(
            conn,
            NewInvitation(
                session_id=request.session_id,
                occurrence_id=request.occurrence_id,
                invited_by=request.invited_by,
                email=email,
                user_id=person.user_id,
                token_hash=person.token_hash,
                token=person.token,
                hold=request.hold,
            ),
            now,
        )
        for email, person in people.items()
    ]
