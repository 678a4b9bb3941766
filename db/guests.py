"""Guests: someone invited by email alone takes a seat under a name they choose, joins the
room as ``guest-{invitation id}``, and may later make an account that keeps what they did.

A guest's seat is a row of ``invitation_seats`` (see ``db.seat_holds``), so it counts
against the occurrence's limit in the database itself.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime

from db import bookings, outbox, seat_holds
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


def identity(invitation_id: int) -> str:
    return f"guest-{invitation_id}"


def accept_guest(
    conn: sqlite3.Connection, invitation_id: int, name: str, token: str, now: datetime
) -> Invitation:
    """A guest takes their seat under ``name`` (the held one, or a free one); naming
    themselves again only changes the name. Full: ``bookings.OccurrenceFull``."""
    found = load(conn, invitation_id)
    assert found is not None and found.occurrence_id is not None
    if found.status not in (PENDING, ACCEPTED):
        raise NotOpen(found.status)
    occurrence = conn.execute(
        "SELECT status, ends_at, capacity, seats_booked FROM occurrences WHERE id = ?",
        (found.occurrence_id,),
    ).fetchone()
    if occurrence[0] != "scheduled":
        raise bookings.OccurrenceCancelled(found.occurrence_id)
    if from_db(occurrence[1]) <= now:
        raise bookings.OccurrenceEnded(found.occurrence_id)
    first = found.status == PENDING
    if first:
        seat_holds.lapse(conn, now, found.occurrence_id)
        if not seat_holds.seat_guest(conn, invitation_id, found.occurrence_id):
            raise bookings.OccurrenceFull(found.occurrence_id, occurrence[2], occurrence[3])
    conn.execute(
        "UPDATE invitations SET status = 'accepted', guest_name = ?, updated_at = ? WHERE id = ?",
        (name, to_db(now), invitation_id),
    )
    if first:
        bookings.announce_seats(conn, found.occurrence_id)
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


def adopt(conn: sqlite3.Connection, invitation_id: int, user_id: int, now: datetime) -> Invitation:
    """The guest made an account (``user_id``): the invitation is theirs, a seat they
    hold in an occurrence still to come becomes their booking, and everything recorded
    under their guest identity moves to the account's identity."""
    found = load(conn, invitation_id)
    assert found is not None
    conn.execute(
        "UPDATE invitations SET user_id = ?, updated_at = ? WHERE id = ?",
        (user_id, to_db(now), invitation_id),
    )
    seats = seat_holds.held_until(conn, invitation_id)
    if found.occurrence_id is not None and any(kind == seat_holds.GUEST for _, kind, _ in seats):
        ends = conn.execute(
            "SELECT status, ends_at FROM occurrences WHERE id = ?", (found.occurrence_id,)
        ).fetchone()
        if ends[0] == "scheduled" and from_db(ends[1]) > now:
            seat_holds.release(conn, invitation_id)  # the seat becomes the booking below
            bookings.book(conn, found.occurrence_id, user_id, now, False, mail=False)
    for table, column in _IDENTITY_COLUMNS:
        conn.execute(
            f"UPDATE {table} SET {column} = ? WHERE {column} = ?",
            (f"user-{user_id}", identity(invitation_id)),
        )
    done = load(conn, invitation_id)
    assert done is not None
    return done
