"""Reminder mails: one per person and occurrence, ``lead`` before the start.

Only for people booked before the reminder time (someone who books ten minutes before the
start has their confirmation in hand), only for those who did not turn reminders off
(``users.reminder_emails``), and for guests with a seat. The outbox's ``dedupe_key`` makes
each reminder happen once, whichever process finds it first.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta

from db import outbox
from db.times import to_db

_WINDOW = "o.status = 'scheduled' AND o.starts_at > ? AND o.starts_at <= ?"
_BEFORE = "strftime('%Y-%m-%dT%H:%M:%fZ', o.starts_at, ?)"
_MEMBERS = (
    "SELECT b.occurrence_id, b.user_id, NULL, NULL FROM occurrences o"
    " JOIN bookings b ON b.occurrence_id = o.id JOIN users u ON u.id = b.user_id"
    f" WHERE {_WINDOW} AND b.status = 'booked' AND u.reminder_emails = 1"
    f" AND b.updated_at <= {_BEFORE} AND NOT EXISTS (SELECT 1 FROM outbox x"
    "  WHERE x.dedupe_key = 'reminder:' || b.occurrence_id || ':user-' || b.user_id)"
)
_GUESTS = (
    "SELECT s.occurrence_id, NULL, i.id, i.email FROM occurrences o"
    " JOIN invitation_seats s ON s.occurrence_id = o.id"
    " JOIN invitations i ON i.id = s.invitation_id"
    f" WHERE {_WINDOW} AND s.kind = 'guest' AND i.updated_at <= {_BEFORE}"
    " AND NOT EXISTS (SELECT 1 FROM outbox x"
    "  WHERE x.dedupe_key = 'reminder:' || s.occurrence_id || ':guest-' || i.id)"
)

Due = tuple[int, int | None, int | None, str | None]  # occurrence, user, invitation, email


def due(conn: sqlite3.Connection, now: datetime, lead: timedelta) -> list[Due]:
    minutes = f"-{int(lead.total_seconds() // 60)} minutes"
    params = (to_db(now), to_db(now + lead), minutes)
    rows = conn.execute(f"{_MEMBERS} UNION ALL {_GUESTS}", params * 2).fetchall()
    return [(row[0], row[1], row[2], row[3]) for row in rows]


def enqueue_due(conn: sqlite3.Connection, now: datetime, lead: timedelta) -> int:
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


def lapsed_hold_exists(conn: sqlite3.Connection, now: datetime) -> bool:
    row = conn.execute(
        "SELECT 1 FROM invitation_seats WHERE kind = 'hold' AND held_until <= ? LIMIT 1",
        (to_db(now),),
    ).fetchone()
    return row is not None
