"""Mail to send, written in the same transaction as the change it tells about.

``enqueue`` runs inside a unit of work (booking, cancellation, invitation): the mail exists
exactly when the change does. It also fixes which calendar entry the mail is about, so
calendar programs update one entry: an occurrence has its own iCalendar UID, a series has
one for all its occurrences, and someone whose calendar holds the series (they booked the
whole series or were invited to it) gets mails about one occurrence as that instance of the
series (RECURRENCE-ID). SEQUENCE counts the mails this recipient got for that UID, so each
is newer than the one before. The sending side (claim, mark) is in ``db.outbox_claims``.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson

from db.rows import Source, fetchall, fetchone
from db.times import maybe_from_db, to_db

# The kinds of mail, and the calendar method each carries.
INVITATION = "invitation"
BOOKING_CONFIRMED = "booking_confirmed"
BOOKING_CANCELLED = "booking_cancelled"  # by the participant
OCCURRENCE_CANCELLED = "occurrence_cancelled"  # by the facilitator (or a reschedule)
WAITLIST_PROMOTED = "waitlist_promoted"
REMINDER = "reminder"
INVITATION_WITHDRAWN = "invitation_withdrawn"  # revoked by the facilitator, or declined
OCCURRENCE_MOVED = "occurrence_moved"  # by the facilitator: the same meeting at a new time
KINDS = (
    INVITATION,
    BOOKING_CONFIRMED,
    BOOKING_CANCELLED,
    OCCURRENCE_CANCELLED,
    WAITLIST_PROMOTED,
    REMINDER,
    INVITATION_WITHDRAWN,
    OCCURRENCE_MOVED,
)
CANCELS = frozenset({BOOKING_CANCELLED, OCCURRENCE_CANCELLED, INVITATION_WITHDRAWN})

PENDING, SENT, FAILED = "pending", "sent", "failed"


SERIES_UID_PREFIX = "session-"


def series_uid(session_id: int) -> str:
    return f"{SERIES_UID_PREFIX}{session_id}"


def occurrence_uid(occurrence_id: int) -> str:
    return f"occurrence-{occurrence_id}"


@dataclass(frozen=True)
class Mail:
    id: int
    kind: str
    recipient: str
    user_id: int | None
    payload: dict[str, Any]
    ical_uid: str
    ical_recurrence: datetime | None
    ical_sequence: int
    ical_method: str
    status: str
    attempts: int
    next_attempt_at: datetime
    message: str | None
    message_id: str | None
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None


COLUMNS = (
    "id, kind, recipient, user_id, payload, ical_uid, ical_recurrence, ical_sequence,"
    " ical_method, status, attempts, next_attempt_at, message, message_id, last_error,"
    " created_at, sent_at"
)


def mail_from_row(row: sqlite3.Row | tuple[Any, ...]) -> Mail:
    return Mail(
        id=row[0],
        kind=row[1],
        recipient=row[2],
        user_id=row[3],
        payload=json.loads(row[4]),
        ical_uid=row[5],
        ical_recurrence=maybe_from_db(row[6]),
        ical_sequence=row[7],
        ical_method=row[8],
        status=row[9],
        attempts=row[10],
        next_attempt_at=maybe_from_db(row[11]),  # type: ignore[arg-type]
        message=row[12],
        message_id=row[13],
        last_error=row[14],
        created_at=maybe_from_db(row[15]),  # type: ignore[arg-type]
        sent_at=maybe_from_db(row[16]),
    )


def address_of(conn: sqlite3.Connection, recipient: str | None, user_id: int | None) -> str:
    """``recipient``, or the address of the account ``user_id``."""
    if recipient is not None:
        return recipient
    found = conn.execute("SELECT email FROM users WHERE id = ?", (user_id,)).fetchone()
    assert found is not None, f"no user {user_id}"
    return str(found[0])


def _series_method(recipient: str, uid: str) -> str:
    """SQL: the method of the last mail to ``recipient`` about the series ``uid`` as a
    whole (both SQL expressions). A REQUEST means the recipient's calendar holds the series
    (they booked or were invited to all of it), a CANCEL or nothing that it does not."""
    return (
        f"SELECT ical_method FROM outbox WHERE recipient = {recipient} AND ical_uid = {uid}"
        " AND ical_recurrence IS NULL ORDER BY id DESC LIMIT 1"
    )


def holds_series(conn: sqlite3.Connection, recipient: str, session_id: int) -> bool:
    """Whether the recipient's calendar holds the whole series."""
    row = conn.execute(_series_method("?", "?"), (recipient, series_uid(session_id))).fetchone()
    return row is not None and row[0] == "REQUEST"


def _used(conn: sqlite3.Connection, dedupe_key: str) -> bool:
    return (
        conn.execute("SELECT 1 FROM outbox WHERE dedupe_key = ?", (dedupe_key,)).fetchone()
        is not None
    )


def addressee_columns(email: str) -> str:
    """SQL columns, over occurrences ``o``, for a mail about that occurrence to ``email``
    (an SQL expression): the address, the series, the occurrence's original and current
    start, and the method of the last mail about the series as a whole (see
    ``holds_series``). ``enqueue`` takes them as ``addressee``."""
    series = _series_method(email, f"'{SERIES_UID_PREFIX}' || o.session_id")
    return f"{email}, o.session_id, o.original_starts_at, o.starts_at, ({series})"


ADDRESSEE_WIDTH = 5
_ADDRESSEE = (
    f"SELECT {addressee_columns('COALESCE(?1, u.email)')}"
    " FROM occurrences o LEFT JOIN users u ON u.id = ?2 WHERE o.id = ?3"
)


def enqueue(
    conn: sqlite3.Connection,
    kind: str,
    *,
    now: datetime,
    user_id: int | None = None,
    recipient: str | None = None,
    occurrence_id: int | None = None,
    session_id: int | None = None,
    payload: dict[str, Any] | None = None,
    series_wide: bool = False,
    dedupe_key: str | None = None,
    addressee: Sequence[Any] | None = None,
) -> int | None:
    """Add a mail to the outbox inside the caller's transaction; returns its id (None if
    ``dedupe_key`` was already used). About one occurrence, or (no ``occurrence_id``) the
    whole series of ``session_id``; ``series_wide`` turns a cancellation of one occurrence
    into one of the whole series for those who hold the series, once. A caller that read
    ``addressee_columns`` for this mail in its own query passes them as ``addressee``."""
    recurrence: str | None = None
    if occurrence_id is not None:
        row = addressee or conn.execute(_ADDRESSEE, (recipient, user_id, occurrence_id)).fetchone()
        assert row is not None, f"no occurrence {occurrence_id}"
        recipient = row[0]
        assert recipient is not None, f"no user {user_id}"
        session_id = int(row[1])
        whole = f"{kind}:{series_uid(session_id)}:{recipient}"
        if series_wide and _used(conn, whole):
            return None  # the whole series was cancelled for them in this same change
        if row[4] == "REQUEST":
            uid = series_uid(session_id)
            if series_wide:
                dedupe_key = dedupe_key or whole
            else:
                recurrence = row[2] or row[3]
        else:
            uid = occurrence_uid(occurrence_id)
    else:
        assert session_id is not None, "a mail is about an occurrence or a series"
        recipient = address_of(conn, recipient, user_id)
        uid = series_uid(session_id)
    body = {"occurrence_id": occurrence_id, "session_id": session_id, **(payload or {})}
    stamp = to_db(now)
    # SEQUENCE: how many mails this recipient already got about this calendar entry
    cursor = conn.execute(
        "INSERT INTO outbox (kind, recipient, user_id, payload, ical_uid, ical_recurrence,"
        " ical_sequence, ical_method, dedupe_key, next_attempt_at, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?,"
        " (SELECT COUNT(*) FROM outbox WHERE recipient = ?2 AND ical_uid = ?5),"
        " ?, ?, ?, ?) ON CONFLICT (dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING",
        (
            kind,
            recipient,
            user_id,
            orjson.dumps(body).decode(),
            uid,
            recurrence,
            "CANCEL" if kind in CANCELS else "REQUEST",
            dedupe_key,
            stamp,
            stamp,
        ),
    )
    return int(cursor.lastrowid) if cursor.rowcount > 0 and cursor.lastrowid else None


async def mails(
    source: Source, *, status: str | None = None, after_id: int = 0, limit: int = 100
) -> list[Mail]:
    """Mails oldest first, optionally only those with ``status``."""
    sql = f"SELECT {COLUMNS} FROM outbox WHERE id > ?"
    params: list[object] = [after_id]
    if status is not None:
        sql += " AND status = ?"
        params.append(status)
    rows = await fetchall(source, sql + " ORDER BY id LIMIT ?", [*params, limit])
    return [mail_from_row(row) for row in rows]


async def mail(source: Source, mail_id: int) -> Mail | None:
    row = await fetchone(source, f"SELECT {COLUMNS} FROM outbox WHERE id = ?", (mail_id,))
    return None if row is None else mail_from_row(row)


async def counts(source: Source) -> dict[str, int]:
    rows = await fetchall(source, "SELECT status, COUNT(*) FROM outbox GROUP BY status")
    return {PENDING: 0, SENT: 0, FAILED: 0, **{row[0]: row[1] for row in rows}}
