"""The sending side of the outbox: claim due mails with a lease, then mark each one.

A sender claims a batch (its name and a lease end on each row, ``attempts`` counted), sends,
and marks every mail sent the moment the SMTP server accepted it. A sender that dies leaves
its claims to lapse at ``lease_until``, after which any sender takes them again: mail is
sent at least once. The writing functions are synchronous units of work for
``Database.write``.

Several senders may run at once, in many processes. A claim picks its rows and sets their
lease in one statement of one unit of work; on PostgreSQL the rows are picked ``FOR UPDATE
SKIP LOCKED``, so a sender passes over rows another is claiming at that moment, and a row
claimed meanwhile is looked at again as committed (its lease now set) and left out. SQLite
has one writer at a time, which keeps claims apart by itself.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import orjson

from db.conn import Conn
from db.outbox import COLUMNS, Mail, mail_from_row
from db.rows import Source, fetchone
from db.times import to_db

_DUE = (
    "status = 'pending' AND next_attempt_at <= :now"
    " AND (lease_until IS NULL OR lease_until <= :now)"
)


async def any_due(source: Source, now: datetime) -> bool:
    found = await fetchone(
        source, f"SELECT 1 AS due FROM outbox WHERE {_DUE} LIMIT 1", {"now": to_db(now)}
    )
    return found is not None


def claim(conn: Conn, owner: str, now: datetime, lease: timedelta, limit: int) -> list[Mail]:
    """Take up to ``limit`` due mails, oldest first, for ``lease``."""
    rows = conn.all(
        "UPDATE outbox SET lease_owner = :owner, lease_until = :until, attempts = attempts + 1"
        f" WHERE id IN (SELECT id FROM outbox WHERE {_DUE} ORDER BY id LIMIT :limit"
        f"{conn.skip_locked}) RETURNING {COLUMNS}",
        owner=owner,
        until=to_db(now + lease),
        now=to_db(now),
        limit=limit,
    )
    return sorted((mail_from_row(row) for row in rows), key=lambda m: m.id)


def store_messages(conn: Conn, rendered: list[tuple[int, str, str]]) -> None:
    """Keep each rendered mail (id, message, Message-ID), so every later attempt sends the
    same bytes."""
    if not rendered:
        return
    conn.run_many(
        "UPDATE outbox SET message = :message, message_id = :message_id"
        " WHERE id = :id AND message IS NULL",
        [
            {"message": message, "message_id": message_id, "id": mail_id}
            for mail_id, message, message_id in rendered
        ],
    )


def mark_sent(conn: Conn, mail_id: int, now: datetime) -> None:
    """Sent. A guest's link is personal: once sent it is removed from the outbox copy (the
    stored message too, as it holds the link)."""
    row = conn.one("SELECT payload FROM outbox WHERE id = :id", id=mail_id)
    if row is None:
        return
    payload = orjson.loads(row["payload"])
    personal = payload.pop("token", None) is not None
    conn.run(
        "UPDATE outbox SET status = 'sent', sent_at = :now, lease_owner = NULL,"
        " lease_until = NULL, last_error = NULL, payload = :payload,"
        " message = CASE WHEN :personal = 1 THEN NULL ELSE message END WHERE id = :id",
        now=to_db(now),
        payload=orjson.dumps(payload).decode(),
        personal=int(personal),
        id=mail_id,
    )


def retry_later(conn: Conn, mail_id: int, at: datetime, error: str) -> None:
    conn.run(
        "UPDATE outbox SET next_attempt_at = :at, last_error = :error, lease_owner = NULL,"
        " lease_until = NULL WHERE id = :id AND status = 'pending'",
        at=to_db(at),
        error=error[:500],
        id=mail_id,
    )


def mark_failed(conn: Conn, mail_id: int, error: str) -> None:
    """Given up (a permanent refusal, or too many attempts): kept, listed, never dropped."""
    conn.run(
        "UPDATE outbox SET status = 'failed', last_error = :error, lease_owner = NULL,"
        " lease_until = NULL WHERE id = :id AND status = 'pending'",
        error=error[:500],
        id=mail_id,
    )
