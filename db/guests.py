"""Guests: someone invited by email alone takes a seat under a name they choose, joins the
room as ``guest-{invitation id}``, and may later make an account that keeps what they did.

A guest's seat is a row of ``invitation_seats`` (see ``db.seat_holds``), so it counts
against the occurrence's limit in the database itself.
"""

from __future__ import annotations

from datetime import datetime

from db import account_tokens, accounts, booking_news, bookings, outbox, seat_holds
from db.accounts import User
from db.conn import Conn
from db.invitations import ACCEPTED, PENDING, Invitation, NotOpen, load
from db.times import from_db, to_db

# Where a person's identity is written; an account made from a guest invitation takes
# these rows over, so its chat, captions, attendance and vocabulary stay theirs.
_IDENTITY_COLUMNS = (
    ("chat_messages", "sender_identity"),
    ("transcript_segments", "speaker_identity"),
    ("presence", "identity"),
    ("vocabulary_lookups", "identity"),
)


class HasAccount(Exception):
    """The guest made an account with this invitation already: they sign in instead."""


def identity(invitation_id: int) -> str:
    return f"guest-{invitation_id}"


def _guest_invitation(conn: Conn, invitation_id: int) -> Invitation:
    found = load(conn, invitation_id)
    assert found is not None
    if found.user_id is not None:
        raise HasAccount(invitation_id)
    return found


def accept_guest(
    conn: Conn, invitation_id: int, name: str, token: str, now: datetime
) -> Invitation:
    """A guest takes their seat under ``name`` (the held one, or a free one); naming
    themselves again only changes the name. Full: ``bookings.OccurrenceFull``; made an
    account already: ``HasAccount``; withdrawn: ``NotOpen``."""
    found = _guest_invitation(conn, invitation_id)
    assert found.occurrence_id is not None
    if found.status not in (PENDING, ACCEPTED):
        raise NotOpen(found.status)
    first = found.status == PENDING
    # the occurrence's row is locked (PostgreSQL) before its seats are counted
    occurrence = conn.one(
        "SELECT status, ends_at, capacity, seats_booked FROM occurrences WHERE id = :id"
        f"{conn.for_update if first else ''}",
        id=found.occurrence_id,
    )
    assert occurrence is not None
    if occurrence["status"] != "scheduled":
        raise bookings.OccurrenceCancelled(found.occurrence_id)
    if from_db(occurrence["ends_at"]) <= now:
        raise bookings.OccurrenceEnded(found.occurrence_id)
    if first:
        seat_holds.lapse(conn, now, found.occurrence_id)
        if not seat_holds.seat_guest(conn, invitation_id, found.occurrence_id):
            raise bookings.OccurrenceFull(
                found.occurrence_id, occurrence["capacity"], occurrence["seats_booked"]
            )
    conn.run(
        "UPDATE invitations SET status = 'accepted', guest_name = :name, updated_at = :now"
        " WHERE id = :id",
        name=name,
        now=to_db(now),
        id=invitation_id,
    )
    if first:
        booking_news.announce_seats(conn, found.occurrence_id)
        outbox.enqueue(
            conn,
            outbox.BOOKING_CONFIRMED,
            now=now,
            recipient=found.email,
            occurrence_id=found.occurrence_id,
            payload={"invitation_id": invitation_id, "token": token},
        )
    done = load(conn, invitation_id)
    assert done is not None
    return done


def adopt(conn: Conn, invitation_id: int, user_id: int, now: datetime) -> Invitation:
    """The guest made an account (``user_id``): the invitation is theirs, a seat they
    hold in an occurrence still to come becomes their booking, and everything recorded
    under their guest identity moves to the account's identity."""
    found = load(conn, invitation_id)
    assert found is not None
    conn.run(
        "UPDATE invitations SET user_id = :user_id, updated_at = :now WHERE id = :id",
        user_id=user_id,
        now=to_db(now),
        id=invitation_id,
    )
    seats = seat_holds.held_until(conn, invitation_id)
    if found.occurrence_id is not None and any(kind == seat_holds.GUEST for _, kind, _ in seats):
        ends = conn.one(
            "SELECT status, ends_at FROM occurrences WHERE id = :id", id=found.occurrence_id
        )
        assert ends is not None
        if ends["status"] == "scheduled" and from_db(ends["ends_at"]) > now:
            seat_holds.release(conn, invitation_id)  # the seat becomes the booking below
            bookings.book(conn, found.occurrence_id, user_id, now, False, mail=False)
    for table, column in _IDENTITY_COLUMNS:
        conn.run(
            f"UPDATE {table} SET {column} = :new WHERE {column} = :old",
            new=f"user-{user_id}",
            old=identity(invitation_id),
        )
    done = load(conn, invitation_id)
    assert done is not None
    return done


def make_account(
    conn: Conn, invitation_id: int, display_name: str, password_hash: str, now: datetime
) -> User:
    """The guest makes an account with the address the invitation went to, and ``adopt``
    gives it what they did as a guest. ``HasAccount`` if they made one already;
    ``accounts.EmailTaken`` if the address has one otherwise."""
    found = _guest_invitation(conn, invitation_id)
    user = accounts.create_user(
        conn, found.email, display_name, accounts.PARTICIPANT, password_hash
    )
    adopt(conn, invitation_id, user.id, now)
    account_tokens.mark_verified(conn, user.id, now)  # the invitation's link reached it
    return user
