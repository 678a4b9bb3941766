"""Booking a whole series: a seat (or a waitlist place) in every meeting still to come,
told in one mail with one calendar entry for the series."""

from __future__ import annotations

from datetime import datetime

from db import outbox
from db.bookings import NoSuchSession, NothingToBook, Outcome, SessionCancelled, book
from db.conn import Conn
from db.times import to_db


def book_series(conn: Conn, session_id: int, user_id: int, now: datetime) -> list[Outcome]:
    """A seat in every occurrence still to come; a waitlist place where one is full."""
    rows = conn.all(
        "SELECT id FROM occurrences WHERE session_id = :session AND status = 'scheduled'"
        " AND ends_at > :now ORDER BY starts_at",
        session=session_id,
        now=to_db(now),
    )
    if not rows:
        raise NothingToBook(session_id)
    made = [book(conn, row["id"], user_id, now, True, mail=False) for row in rows]
    if any(outcome.changed for outcome in made):  # one mail, one calendar entry: the series
        outbox.enqueue(
            conn, outbox.BOOKING_CONFIRMED, now=now, user_id=user_id, session_id=session_id
        )
    return made


def book_session(conn: Conn, session_id: int, user_id: int, now: datetime) -> list[Outcome]:
    """``book_series`` for a participant asking for it: refused if the session does not
    exist (``NoSuchSession``) or was cancelled (``SessionCancelled``)."""
    status = conn.value("SELECT status FROM sessions WHERE id = :id", id=session_id)
    if status is None:
        raise NoSuchSession(session_id)
    if status != "active":
        raise SessionCancelled(session_id)
    return book_series(conn, session_id, user_id, now)
