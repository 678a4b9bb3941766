"""Invitations: a facilitator invites a member (an account) or a guest (an email) to an
occurrence or a whole series; the invitee accepts or declines; the facilitator revokes.

The writing functions are synchronous units of work for ``Database.write`` (or called
directly inside a caller's unit of work), so the invitation, its held seats, its events and
its mail in the outbox commit together. Refusals reuse ``db.bookings``'s exceptions. A whole
request (whom, rules, rate limit) is ``db.invitation_requests.invite_many``; the mails to
everyone holding an occurrence that moved or was cancelled are ``db.invitation_notices``;
reading invitations is ``db.invitation_reads``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from db import booking_news, bookings, outbox, seat_holds, series_bookings
from db.conn import Conn, Row
from db.events import record_event
from db.invitation_notices import release_occurrence as release_occurrence
from db.invitation_notices import tell_moved as tell_moved
from db.invitation_notices import tell_series_moved as tell_series_moved
from db.times import from_db, to_db

MEMBER, GUEST = "member", "guest"
PENDING, ACCEPTED, DECLINED, REVOKED = "pending", "accepted", "declined", "revoked"


@dataclass(frozen=True)
class Invitation:
    id: int
    session_id: int
    occurrence_id: int | None  # None: the whole series
    invited_by: int
    email: str
    user_id: int | None
    kind: str
    status: str
    guest_name: str | None
    hold_minutes: int | None
    created_at: datetime
    updated_at: datetime
    display_name: str | None  # the member's name, or the name the guest entered


@dataclass(frozen=True)
class NewInvitation:
    session_id: int
    occurrence_id: int | None
    invited_by: int
    email: str
    user_id: int | None
    token_hash: str | None  # guests
    token: str | None  # the guest's link token, for their mail only
    hold: timedelta | None


class NotOpen(Exception):
    """The invitation was declined or revoked (or, to revoke, already accepted)."""

    def __init__(self, status: str) -> None:
        super().__init__(status)
        self.status = status


SELECT = (
    "SELECT i.id, i.session_id, i.occurrence_id, i.invited_by, i.email, i.user_id, i.kind,"
    " i.status, i.guest_name, i.hold_minutes, i.created_at, i.updated_at,"
    " COALESCE(u.display_name, i.guest_name) AS display_name"
    " FROM invitations i LEFT JOIN users u ON u.id = i.user_id"
)


def from_row(row: Row) -> Invitation:
    return Invitation(
        id=row["id"],
        session_id=row["session_id"],
        occurrence_id=row["occurrence_id"],
        invited_by=row["invited_by"],
        email=row["email"],
        user_id=row["user_id"],
        kind=row["kind"],
        status=row["status"],
        guest_name=row["guest_name"],
        hold_minutes=row["hold_minutes"],
        created_at=from_db(row["created_at"]),
        updated_at=from_db(row["updated_at"]),
        display_name=row["display_name"],
    )


def load(conn: Conn, invitation_id: int) -> Invitation | None:
    row = conn.one(f"{SELECT} WHERE i.id = :id", id=invitation_id)
    return None if row is None else from_row(row)


def _targets(conn: Conn, new: NewInvitation, now: datetime) -> list[int]:
    """The occurrences the invitation is for; refuses a cancelled or ended one."""
    if new.occurrence_id is not None:
        row = conn.one(
            "SELECT status, ends_at FROM occurrences WHERE id = :id", id=new.occurrence_id
        )
        if row is None:
            raise bookings.NoSuchOccurrence(new.occurrence_id)
        if row["status"] != "scheduled":
            raise bookings.OccurrenceCancelled(new.occurrence_id)
        if from_db(row["ends_at"]) <= now:
            raise bookings.OccurrenceEnded(new.occurrence_id)
        return [new.occurrence_id]
    rows = conn.all(
        "SELECT o.id FROM occurrences o JOIN sessions s ON s.id = o.session_id"
        " WHERE o.session_id = :session AND s.status = 'active' AND o.status = 'scheduled'"
        " AND o.ends_at > :now ORDER BY o.starts_at",
        session=new.session_id,
        now=to_db(now),
    )
    if not rows:
        raise bookings.NothingToBook(new.session_id)
    return [row["id"] for row in rows]


def _announce(conn: Conn, occurrence_ids: list[int], now: datetime) -> None:
    for occurrence_id in occurrence_ids:
        bookings.promote(conn, occurrence_id, now)
        booking_news.announce_seats(conn, occurrence_id)


def _tell(conn: Conn, found: Invitation, kind: str) -> None:
    if found.user_id is not None:
        payload = {
            "invitation_id": found.id,
            "session_id": found.session_id,
            "occurrence_id": found.occurrence_id,
            "status": found.status,
        }
        record_event(conn, f"user:{found.user_id}", kind, payload)


def invite(conn: Conn, new: NewInvitation, now: datetime) -> tuple[Invitation, bool]:
    """Invite, or find the same invitation again (unchanged, False). A declined or revoked
    one is opened again, with a new link for a guest. The caller keeps two invitations of
    one session from being written at once (``invite_many`` locks its facilitator), so the
    look for an existing one and the insert need no more."""
    targets = _targets(conn, new, now)
    stamp = to_db(now)
    minutes = None if new.hold is None else int(new.hold.total_seconds() // 60)
    found = conn.one(
        "SELECT id, status FROM invitations WHERE session_id = :session"
        " AND COALESCE(occurrence_id, 0) = :occurrence AND email = :email",
        session=new.session_id,
        occurrence=new.occurrence_id or 0,
        email=new.email,
    )
    if found is not None and found["status"] in (PENDING, ACCEPTED):
        existing = load(conn, found["id"])
        assert existing is not None
        return existing, False
    if found is not None:
        invitation_id = int(found["id"])
        conn.run(
            "UPDATE invitations SET status = 'pending', token_hash = :token_hash,"
            " guest_name = NULL, hold_minutes = :minutes, invited_by = :by, updated_at = :now"
            " WHERE id = :id",
            token_hash=new.token_hash,
            minutes=minutes,
            by=new.invited_by,
            now=stamp,
            id=invitation_id,
        )
    else:
        invitation_id = int(
            conn.value(
                "INSERT INTO invitations (session_id, occurrence_id, invited_by, email, user_id,"
                " kind, token_hash, hold_minutes, created_at, updated_at)"
                " VALUES (:session, :occurrence, :by, :email, :user_id, :kind, :token_hash,"
                " :minutes, :now, :now) RETURNING id",
                session=new.session_id,
                occurrence=new.occurrence_id,
                by=new.invited_by,
                email=new.email,
                user_id=new.user_id,
                kind=MEMBER if new.user_id is not None else GUEST,
                token_hash=new.token_hash,
                minutes=minutes,
                now=stamp,
            )
        )
    if new.hold is not None:
        held = [o for o in targets if seat_holds.hold(conn, invitation_id, o, now + new.hold)]
        for occurrence_id in held:
            booking_news.announce_seats(conn, occurrence_id)
    made = load(conn, invitation_id)
    assert made is not None
    _tell(conn, made, "invitation.received")
    outbox.enqueue(
        conn,
        outbox.INVITATION,
        now=now,
        recipient=made.email,
        user_id=made.user_id,
        occurrence_id=made.occurrence_id,
        session_id=made.session_id,
        payload={"invitation_id": invitation_id, "token": new.token},
    )
    return made, True


def accept_member(
    conn: Conn, invitation_id: int, now: datetime
) -> tuple[Invitation, list[bookings.Outcome]]:
    """Book the invitee (the held seat becomes their booking; a full occurrence puts
    them on its waitlist). Accepting again changes nothing."""
    found = load(conn, invitation_id)
    assert found is not None and found.user_id is not None
    if found.status == ACCEPTED:
        return found, []
    if found.status != PENDING:
        raise NotOpen(found.status)
    seat_holds.release(conn, invitation_id)
    if found.occurrence_id is not None:
        made = [bookings.book(conn, found.occurrence_id, found.user_id, now, True)]
    else:
        made = series_bookings.book_series(conn, found.session_id, found.user_id, now)
    conn.run(
        "UPDATE invitations SET status = 'accepted', updated_at = :now WHERE id = :id",
        now=to_db(now),
        id=invitation_id,
    )
    done = load(conn, invitation_id)
    assert done is not None
    _tell(conn, done, "invitation.accepted")
    return done, made


def _close(conn: Conn, found: Invitation, status: str, now: datetime) -> Invitation:
    conn.run(
        "UPDATE invitations SET status = :status, updated_at = :now WHERE id = :id",
        status=status,
        now=to_db(now),
        id=found.id,
    )
    _announce(conn, seat_holds.release(conn, found.id), now)
    done = load(conn, found.id)
    assert done is not None
    _tell(conn, done, f"invitation.{status}")
    outbox.enqueue(
        conn,
        outbox.INVITATION_WITHDRAWN,
        now=now,
        recipient=done.email,
        user_id=done.user_id,
        occurrence_id=done.occurrence_id,
        session_id=done.session_id,
        payload={"invitation_id": done.id, "reason": status},
    )
    return done


def decline(conn: Conn, invitation_id: int, now: datetime) -> Invitation:
    found = load(conn, invitation_id)
    assert found is not None
    if found.status == DECLINED:
        return found
    if found.status != PENDING:
        raise NotOpen(found.status)
    return _close(conn, found, DECLINED, now)


def revoke(conn: Conn, invitation_id: int, now: datetime) -> Invitation:
    """Withdraw an invitation: its held seats and a guest's seat are given back and the
    guest's link stops working. A member who accepted keeps their booking."""
    found = load(conn, invitation_id)
    assert found is not None
    if found.status == REVOKED:
        return found
    if found.status == ACCEPTED and found.kind == MEMBER:
        raise NotOpen(found.status)
    return _close(conn, found, REVOKED, now)


def lapse_holds(conn: Conn, now: datetime) -> int:
    """Give every lapsed hold's seat back (to the waitlist first); how many occurrences."""
    freed = seat_holds.lapse(conn, now)
    _announce(conn, freed, now)
    return len(freed)
