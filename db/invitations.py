"""Invitations: a facilitator invites a member (an account) or a guest (an email) to an
occurrence or a whole series; the invitee accepts or declines; the facilitator revokes.

The writing functions are synchronous units of work for ``Database.write`` (or ``rows.run``
inside a caller's transaction), so the invitation, its held seats, its events and its mail
in the outbox commit together. Refusals reuse ``db.bookings``'s exceptions.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta

from db import bookings, outbox, seat_holds
from db.events import record_event
from db.rows import Source, fetchall, fetchone, run
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


_SELECT = (
    "SELECT i.id, i.session_id, i.occurrence_id, i.invited_by, i.email, i.user_id, i.kind,"
    " i.status, i.guest_name, i.hold_minutes, i.created_at, i.updated_at,"
    " COALESCE(u.display_name, i.guest_name)"
    " FROM invitations i LEFT JOIN users u ON u.id = i.user_id"
)


def _invitation(row: sqlite3.Row) -> Invitation:
    return Invitation(
        *row[:10],
        from_db(row[10]),
        from_db(row[11]),
        row[12],  # type: ignore[arg-type]
    )


def load(conn: sqlite3.Connection, invitation_id: int) -> Invitation | None:
    row = conn.execute(f"{_SELECT} WHERE i.id = ?", (invitation_id,)).fetchone()
    return None if row is None else _invitation(row)


def _targets(conn: sqlite3.Connection, new: NewInvitation, now: datetime) -> list[int]:
    """The occurrences the invitation is for; refuses a cancelled or ended one."""
    if new.occurrence_id is not None:
        row = conn.execute(
            "SELECT status, ends_at FROM occurrences WHERE id = ?", (new.occurrence_id,)
        ).fetchone()
        if row is None:
            raise bookings.NoSuchOccurrence(new.occurrence_id)
        if row[0] != "scheduled":
            raise bookings.OccurrenceCancelled(new.occurrence_id)
        if from_db(row[1]) <= now:
            raise bookings.OccurrenceEnded(new.occurrence_id)
        return [new.occurrence_id]
    rows = conn.execute(
        "SELECT o.id FROM occurrences o JOIN sessions s ON s.id = o.session_id"
        " WHERE o.session_id = ? AND s.status = 'active' AND o.status = 'scheduled'"
        " AND o.ends_at > ? ORDER BY o.starts_at",
        (new.session_id, to_db(now)),
    ).fetchall()
    if not rows:
        raise bookings.NothingToBook(new.session_id)
    return [row[0] for row in rows]


def _announce(conn: sqlite3.Connection, occurrence_ids: list[int], now: datetime) -> None:
    for occurrence_id in occurrence_ids:
        bookings.promote(conn, occurrence_id, now)
        bookings.announce_seats(conn, occurrence_id)


def _tell(conn: sqlite3.Connection, found: Invitation, kind: str) -> None:
    if found.user_id is not None:
        payload = {
            "invitation_id": found.id,
            "session_id": found.session_id,
            "occurrence_id": found.occurrence_id,
            "status": found.status,
        }
        record_event(conn, f"user:{found.user_id}", kind, payload)


def invite(conn: sqlite3.Connection, new: NewInvitation, now: datetime) -> tuple[Invitation, bool]:
    """Invite, or find the same invitation again (unchanged, False). A declined or revoked
    one is opened again, with a new link for a guest."""
    targets = _targets(conn, new, now)
    stamp = to_db(now)
    minutes = None if new.hold is None else int(new.hold.total_seconds() // 60)
    found = conn.execute(
        "SELECT id, status FROM invitations WHERE session_id = ? AND IFNULL(occurrence_id, 0) = ?"
        " AND email = ?",
        (new.session_id, new.occurrence_id or 0, new.email),
    ).fetchone()
    if found is not None and found[1] in (PENDING, ACCEPTED):
        existing = load(conn, found[0])
        assert existing is not None
        return existing, False
    if found is not None:
        invitation_id = int(found[0])
        conn.execute(
            "UPDATE invitations SET status = 'pending', token_hash = ?, guest_name = NULL,"
            " hold_minutes = ?, invited_by = ?, updated_at = ? WHERE id = ?",
            (new.token_hash, minutes, new.invited_by, stamp, invitation_id),
        )
    else:
        cursor = conn.execute(
            "INSERT INTO invitations (session_id, occurrence_id, invited_by, email, user_id,"
            " kind, token_hash, hold_minutes, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                new.session_id,
                new.occurrence_id,
                new.invited_by,
                new.email,
                new.user_id,
                MEMBER if new.user_id is not None else GUEST,
                new.token_hash,
                minutes,
                stamp,
                stamp,
            ),
        )
        invitation_id = int(cursor.lastrowid or 0)
    if new.hold is not None:
        held = [o for o in targets if seat_holds.hold(conn, invitation_id, o, now + new.hold)]
        for occurrence_id in held:
            bookings.announce_seats(conn, occurrence_id)
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
    conn: sqlite3.Connection, invitation_id: int, now: datetime
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
        made = bookings.book_series(conn, found.session_id, found.user_id, now)
    conn.execute(
        "UPDATE invitations SET status = 'accepted', updated_at = ? WHERE id = ?",
        (to_db(now), invitation_id),
    )
    done = load(conn, invitation_id)
    assert done is not None
    _tell(conn, done, "invitation.accepted")
    return done, made


def _close(conn: sqlite3.Connection, found: Invitation, status: str, now: datetime) -> Invitation:
    conn.execute(
        "UPDATE invitations SET status = ?, updated_at = ? WHERE id = ?",
        (status, to_db(now), found.id),
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


def decline(conn: sqlite3.Connection, invitation_id: int, now: datetime) -> Invitation:
    found = load(conn, invitation_id)
    assert found is not None
    if found.status == DECLINED:
        return found
    if found.status != PENDING:
        raise NotOpen(found.status)
    return _close(conn, found, DECLINED, now)


def revoke(conn: sqlite3.Connection, invitation_id: int, now: datetime) -> Invitation:
    """Withdraw an invitation: its held seats and a guest's seat are given back and the
    guest's link stops working. A member who accepted keeps their booking."""
    found = load(conn, invitation_id)
    assert found is not None
    if found.status == REVOKED:
        return found
    if found.status == ACCEPTED and found.kind == MEMBER:
        raise NotOpen(found.status)
    return _close(conn, found, REVOKED, now)


def _invited_only(conn: sqlite3.Connection, occurrence_id: int) -> list[sqlite3.Row]:
    """(invitation id, email, user id) of guests with a seat and people still invited to
    the occurrence, who have no booking there: the mail about their invitation gave them
    its calendar entry."""
    return conn.execute(
        "SELECT i.id, i.email, i.user_id FROM invitations i WHERE i.occurrence_id = ?"
        " AND (i.status = 'pending' OR (i.kind = 'guest' AND i.status = 'accepted'))"
        " AND NOT EXISTS (SELECT 1 FROM bookings b WHERE b.occurrence_id = i.occurrence_id"
        "  AND b.user_id = i.user_id)",
        (occurrence_id,),
    ).fetchall()


def release_occurrence(
    conn: sqlite3.Connection, occurrence_id: int, now: datetime, reason: str
) -> None:
    """An occurrence was cancelled: seats held by invitations go, and guests with a seat
    and people still invited (without a booking there) are told by mail."""
    seat_holds.release_occurrence(conn, occurrence_id)
    for invitation_id, email, user_id in _invited_only(conn, occurrence_id):
        outbox.enqueue(
            conn,
            outbox.OCCURRENCE_CANCELLED,
            now=now,
            recipient=email,
            user_id=user_id,
            occurrence_id=occurrence_id,
            payload={"invitation_id": invitation_id, "reason": reason},
            series_wide=reason == bookings.SESSION_CANCELLED,
        )


def _holding(conn: sqlite3.Connection, occurrence_id: int) -> list[sqlite3.Row]:
    """(invitation id, email, user id) of everyone whose calendar holds the occurrence:
    booked people, guests with a seat, people still invited."""
    booked = conn.execute(
        "SELECT NULL, NULL, user_id FROM bookings WHERE occurrence_id = ? AND status = 'booked'",
        (occurrence_id,),
    ).fetchall()
    return [*booked, *_invited_only(conn, occurrence_id)]


def _tell_moved_one(
    conn: sqlite3.Connection, occurrence_id: int, row: sqlite3.Row, now: datetime
) -> None:
    invitation_id, email, user_id = row
    outbox.enqueue(
        conn,
        outbox.OCCURRENCE_MOVED,
        now=now,
        recipient=email,
        user_id=user_id,
        occurrence_id=occurrence_id,
        payload={} if invitation_id is None else {"invitation_id": invitation_id},
    )


def tell_moved(conn: sqlite3.Connection, occurrence_id: int, now: datetime) -> int:
    """An occurrence has a new time: everyone whose calendar holds it gets a mail with the
    updated entry (booked people, guests with a seat, people still invited); how many."""
    rows = _holding(conn, occurrence_id)
    for row in rows:
        _tell_moved_one(conn, occurrence_id, row, now)
    return len(rows)


def tell_series_moved(
    conn: sqlite3.Connection, session_id: int, moved: list[int], now: datetime
) -> None:
    """Several meetings of a series have new times (the series was rescheduled). Someone
    whose calendar holds the whole series gets one mail updating each moved instance, not
    one mail per meeting; everyone else one mail per meeting of theirs that moved."""
    told: set[str] = set()

    def tell_holder(address: str, user_id: int | None) -> None:
        if address not in told:
            told.add(address)
            outbox.enqueue(
                conn,
                outbox.OCCURRENCE_MOVED,
                now=now,
                recipient=address,
                user_id=user_id,
                session_id=session_id,
                payload={"moved": moved},
            )

    for occurrence_id in moved:
        for row in _holding(conn, occurrence_id):
            address = outbox.address_of(conn, row[1], row[2])
            if outbox.holds_series(conn, address, session_id):
                tell_holder(address, row[2])
            else:
                _tell_moved_one(conn, occurrence_id, row, now)
    # people still invited to the whole series: their invitation gave them the series
    for email, user_id in conn.execute(
        "SELECT email, user_id FROM invitations WHERE session_id = ? AND occurrence_id IS NULL"
        " AND status = 'pending'",
        (session_id,),
    ).fetchall():
        if outbox.holds_series(conn, email, session_id):
            tell_holder(email, user_id)


def lapse_holds(conn: sqlite3.Connection, now: datetime) -> int:
    """Give every lapsed hold's seat back (to the waitlist first); how many occurrences."""
    freed = seat_holds.lapse(conn, now)
    _announce(conn, freed, now)
    return len(freed)


async def invitation(source: Source, invitation_id: int) -> Invitation | None:
    return await run(source, load, invitation_id)


async def by_token_hash(source: Source, token_hash: str) -> Invitation | None:
    row = await fetchone(source, f"{_SELECT} WHERE i.token_hash = ?", (token_hash,))
    return None if row is None else _invitation(row)


async def of_user(source: Source, user_id: int) -> list[Invitation]:
    rows = await fetchall(source, f"{_SELECT} WHERE i.user_id = ? ORDER BY i.id DESC", (user_id,))
    return [_invitation(row) for row in rows]


async def of_session(source: Source, session_id: int) -> list[Invitation]:
    rows = await fetchall(source, f"{_SELECT} WHERE i.session_id = ? ORDER BY i.id", (session_id,))
    return [_invitation(row) for row in rows]


async def sent_since(source: Source, invited_by: int, since: datetime) -> list[datetime]:
    """When this facilitator's invitations since ``since`` were sent (or sent again), oldest
    first: what the rate limit counts."""
    rows = await fetchall(
        source,
        "SELECT updated_at FROM invitations WHERE invited_by = ? AND updated_at >= ?"
        " ORDER BY updated_at",
        (invited_by, to_db(since)),
    )
    return [from_db(row[0]) for row in rows]


async def seats(source: Source, invitation_id: int) -> list[tuple[int, str, str | None]]:
    return await run(source, seat_holds.held_until, invitation_id)


@dataclass(frozen=True)
class PastParticipant:
    user_id: int
    display_name: str
    last_met: datetime  # start of the last meeting of this facilitator they were booked on
    meetings: int


async def past_participants(
    source: Source, facilitator_id: int, now: datetime, limit: int = 200
) -> list[PastParticipant]:
    """People booked on this facilitator's meetings that have ended, most recent first."""
    rows = await fetchall(
        source,
        "SELECT u.id, u.display_name, MAX(o.starts_at), COUNT(DISTINCT o.id)"
        " FROM bookings b JOIN occurrences o ON o.id = b.occurrence_id"
        " JOIN sessions s ON s.id = o.session_id JOIN users u ON u.id = b.user_id"
        " WHERE s.facilitator_id = ? AND b.status = 'booked' AND o.ends_at <= ?"
        " GROUP BY u.id ORDER BY MAX(o.starts_at) DESC, u.id LIMIT ?",
        (facilitator_id, to_db(now), limit),
    )
    return [PastParticipant(r[0], r[1], from_db(r[2]), r[3]) for r in rows]
