"""Mails to everyone whose calendar holds an occurrence that moved or was cancelled, beyond
its bookings: guests with a seat and people still invited (their invitation mail gave them
its calendar entry). Synchronous, for a caller's unit of work (``db.sessions``); reached as
``db.invitations.release_occurrence``, ``tell_moved`` and ``tell_series_moved``.
"""

from __future__ import annotations

from datetime import datetime

from db import bookings, outbox, seat_holds
from db.conn import Conn, Row


def _invited_only(conn: Conn, occurrence_id: int) -> list[Row]:
    """(invitation_id, email, user_id) of guests with a seat and people still invited to
    the occurrence, who have no booking there: the mail about their invitation gave them
    its calendar entry."""
    return conn.all(
        "SELECT i.id AS invitation_id, i.email, i.user_id FROM invitations i"
        " WHERE i.occurrence_id = :occurrence"
        " AND (i.status = 'pending' OR (i.kind = 'guest' AND i.status = 'accepted'))"
        " AND NOT EXISTS (SELECT 1 FROM bookings b WHERE b.occurrence_id = i.occurrence_id"
        "  AND b.user_id = i.user_id) ORDER BY i.id",
        occurrence=occurrence_id,
    )


def release_occurrence(conn: Conn, occurrence_id: int, now: datetime, reason: str) -> None:
    """An occurrence was cancelled: seats held by invitations go, and guests with a seat
    and people still invited (without a booking there) are told by mail."""
    seat_holds.release_occurrence(conn, occurrence_id)
    for row in _invited_only(conn, occurrence_id):
        outbox.enqueue(
            conn,
            outbox.OCCURRENCE_CANCELLED,
            now=now,
            recipient=row["email"],
            user_id=row["user_id"],
            occurrence_id=occurrence_id,
            payload={"invitation_id": row["invitation_id"], "reason": reason},
            series_wide=reason == bookings.SESSION_CANCELLED,
        )


def _holding(conn: Conn, occurrence_id: int) -> list[Row]:
    """(invitation_id, email, user_id) of everyone whose calendar holds the occurrence:
    booked people (no invitation, no email: their account's), guests with a seat, people
    still invited."""
    booked = conn.all(
        "SELECT user_id FROM bookings WHERE occurrence_id = :occurrence AND status = 'booked'"
        " ORDER BY id",
        occurrence=occurrence_id,
    )
    return [
        *({"invitation_id": None, "email": None, "user_id": row["user_id"]} for row in booked),
        *_invited_only(conn, occurrence_id),
    ]


def _tell_moved_one(conn: Conn, occurrence_id: int, row: Row, now: datetime) -> None:
    invitation_id = row["invitation_id"]
    outbox.enqueue(
        conn,
        outbox.OCCURRENCE_MOVED,
        now=now,
        recipient=row["email"],
        user_id=row["user_id"],
        occurrence_id=occurrence_id,
        payload={} if invitation_id is None else {"invitation_id": invitation_id},
    )


def tell_moved(conn: Conn, occurrence_id: int, now: datetime) -> int:
    """An occurrence has a new time: everyone whose calendar holds it gets a mail with the
    updated entry (booked people, guests with a seat, people still invited); how many."""
    rows = _holding(conn, occurrence_id)
    for row in rows:
        _tell_moved_one(conn, occurrence_id, row, now)
    return len(rows)


def tell_series_moved(conn: Conn, session_id: int, moved: list[int], now: datetime) -> None:
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
            address = outbox.address_of(conn, row["email"], row["user_id"])
            if outbox.holds_series(conn, address, session_id):
                tell_holder(address, row["user_id"])
            else:
                _tell_moved_one(conn, occurrence_id, row, now)
    # people still invited to the whole series: their invitation gave them the series
    for row in conn.all(
        "SELECT email, user_id FROM invitations WHERE session_id = :session"
        " AND occurrence_id IS NULL AND status = 'pending' ORDER BY id",
        session=session_id,
    ):
        if outbox.holds_series(conn, row["email"], session_id):
            tell_holder(row["email"], row["user_id"])
