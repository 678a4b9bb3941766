"""Reminder mails: one per person and occurrence, ``lead`` before the start.

Only for people booked before the reminder time (someone who books ten minutes before the
start has their confirmation in hand), only for those who did not turn reminders off
(``users.reminder_emails``), and for guests with a seat. The outbox's ``dedupe_key`` makes
each reminder happen once, whichever process finds it first.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from db import outbox
from db.conn import Conn
from db.times import from_db, to_db

_WINDOW = "o.status = 'scheduled' AND o.starts_at > :now AND o.starts_at <= :until"
# who may be due, with when they got their seat (``since``): whether that was before the
# reminder time is decided in Python, the same on both engines
_MEMBERS = (
    "SELECT b.occurrence_id, b.user_id, NULL AS invitation_id, NULL AS email, o.starts_at,"
    " b.updated_at AS since FROM occurrences o"
    " JOIN bookings b ON b.occurrence_id = o.id JOIN users u ON u.id = b.user_id"
    f" WHERE {_WINDOW} AND b.status = 'booked' AND u.reminder_emails = 1"
    " AND NOT EXISTS (SELECT 1 FROM outbox x WHERE x.dedupe_key = 'reminder:'"
    "  || CAST(b.occurrence_id AS TEXT) || ':user-' || CAST(b.user_id AS TEXT))"
)
_GUESTS = (
    "SELECT s.occurrence_id, NULL, i.id, i.email, o.starts_at, i.updated_at FROM occurrences o"
    " JOIN invitation_seats s ON s.occurrence_id = o.id"
    " JOIN invitations i ON i.id = s.invitation_id"
    f" WHERE {_WINDOW} AND s.kind = 'guest'"
    " AND NOT EXISTS (SELECT 1 FROM outbox x WHERE x.dedupe_key = 'reminder:'"
    "  || CAST(s.occurrence_id AS TEXT) || ':guest-' || CAST(i.id AS TEXT))"
)

Due = tuple[int, int | None, int | None, str | None]  # occurrence, user, invitation, email


def due(conn: Conn, now: datetime, lead: timedelta) -> list[Due]:
    rows = conn.all(f"{_MEMBERS} UNION ALL {_GUESTS}", now=to_db(now), until=to_db(now + lead))
    lead = timedelta(minutes=int(lead.total_seconds() // 60))  # whole minutes, as always
    return [
        (row["occurrence_id"], row["user_id"], row["invitation_id"], row["email"])
        for row in rows
        if from_db(row["since"]) <= from_db(row["starts_at"]) - lead
    ]


def enqueue_due(conn: Conn, now: datetime, lead: timedelta) -> int:
    """Write every reminder now due into the outbox; how many."""
    made = 0
    for occurrence_id, user_id, invitation_id, email in due(conn, now, lead):
        who = f"user-{user_id}" if user_id is not None else f"guest-{invitation_id}"
        made += (
            outbox.enqueue(
                conn,
                outbox.REMINDER,
                now=now,
                user_id=user_id,
                recipient=email,
                occurrence_id=occurrence_id,
                payload={"invitation_id": invitation_id} if invitation_id else None,
                dedupe_key=f"reminder:{occurrence_id}:{who}",
            )
            is not None
        )
    return made


def lapsed_hold_exists(conn: Conn, now: datetime) -> bool:
    row = conn.one(
        "SELECT 1 AS found FROM invitation_seats WHERE kind = 'hold' AND held_until <= :now"
        " LIMIT 1",
        now=to_db(now),
    )
    return row is not None
