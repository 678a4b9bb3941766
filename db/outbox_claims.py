"""The sending side of the outbox: claim due mails with a lease, then mark each one.

A sender claims a batch (its name and a lease end on each row, ``attempts`` counted), sends,
and marks every mail sent the moment the SMTP server accepted it. A sender that dies leaves
its claims to lapse at ``lease_until``, after which any sender takes them again: mail is
sent at least once. The writing functions are synchronous units of work for
``Database.write``.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta

from db.outbox import COLUMNS, Mail, mail_from_row
from db.rows import Source, fetchone
from db.times import to_db

_DUE = "status = 'pending' AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until <= ?)"


async def any_due(source: Source, now: datetime) -> bool:
    stamp = to_db(now)
    return (
        await fetchone(source, f"SELECT 1 FROM outbox WHERE {_DUE} LIMIT 1", (stamp, stamp))
        is not None
    )


def claim(
    conn: sqlite3.Connection, owner: str, now: datetime, lease: timedelta, limit: int
) -> list[Mail]:
    """Take up to ``limit`` due mails, oldest first, for ``lease``."""
    stamp = to_db(now)
    rows = conn.execute(
        "UPDATE outbox SET lease_owner = ?, lease_until = ?, attempts = attempts + 1"
        f" WHERE id IN (SELECT id FROM outbox WHERE {_DUE} ORDER BY id LIMIT ?)"
        f" RETURNING {COLUMNS}",
        (owner, to_db(now + lease), stamp, stamp, limit),
    ).fetchall()
    return sorted((mail_from_row(row) for row in rows), key=lambda m: m.id)


def store_messages(conn: sqlite3.Connection, rendered: list[tuple[int, str, str]]) -> None:
    """Keep each rendered mail (id, message, Message-ID), so every later attempt sends the
    same bytes."""
    conn.executemany(
        "UPDATE outbox SET message = ?, message_id = ? WHERE id = ? AND message IS NULL",
        [(message, message_id, mail_id) for mail_id, message, message_id in rendered],
    )


def mark_sent(conn: sqlite3.Connection, mail_id: int, now: datetime) -> None:
    """Sent. A guest's link is personal: once sent it is removed from the outbox copy."""
    conn.execute(
        "UPDATE outbox SET status = 'sent', sent_at = ?, lease_owner = NULL, lease_until = NULL,"
        " last_error = NULL,"
        " message = CASE WHEN json_extract(payload, '$.token') IS NULL THEN message END,"
        " payload = json_remove(payload, '$.token') WHERE id = ?",
        (to_db(now), mail_id),
    )


def retry_later(conn: sqlite3.Connection, mail_id: int, at: datetime, error: str) -> None:
    conn.execute(
        "UPDATE outbox SET next_attempt_at = ?, last_error = ?, lease_owner = NULL,"
        " lease_until = NULL WHERE id = ? AND status = 'pending'",
        (to_db(at), error[:500], mail_id),
    )


def mark_failed(conn: sqlite3.Connection, mail_id: int, error: str) -> None:
    """Given up (a permanent refusal, or too many attempts): kept, listed, never dropped."""
    conn.execute(
        "UPDATE outbox SET status = 'failed', last_error = ?, lease_owner = NULL,"
        " lease_until = NULL WHERE id = ? AND status = 'pending'",
        (error[:500], mail_id),
    )


def requeue(conn: sqlite3.Connection, mail_id: int, now: datetime) -> bool:
    """Send a failed mail again (from the CLI, once the cause is fixed)."""
    cursor = conn.execute(
        "UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = ?"
        " WHERE id = ? AND status = 'failed'",
        (to_db(now), mail_id),
    )
    return cursor.rowcount > 0
