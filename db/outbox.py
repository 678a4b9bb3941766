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

import zlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson

from db import context
from db.conn import Conn, Row
from db.rows import Source, fetchall, fetchone
from db.times import maybe_from_db, to_db
from db.url import POSTGRESQL

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
# PostgreSQL: the advisory lock space of calendar entries (SEQUENCE is counted under it)
_ENTRY_LOCK = 0x6F7574 << 32  # "out"


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
    request_id: str | None = None  # the API request that caused this mail, if one did


COLUMNS = (
    "id, kind, recipient, user_id, payload, ical_uid, ical_recurrence, ical_sequence,"
    " ical_method, status, attempts, next_attempt_at, message, message_id, last_error,"
    " created_at, sent_at, request_id"
)


def mail_from_row(row: Row) -> Mail:
    return Mail(
        id=row["id"],
        kind=row["kind"],
        recipient=row["recipient"],
        user_id=row["user_id"],
        payload=orjson.loads(row["payload"]),
        ical_uid=row["ical_uid"],
        ical_recurrence=maybe_from_db(row["ical_recurrence"]),
        ical_sequence=row["ical_sequence"],
        ical_method=row["ical_method"],
        status=row["status"],
        attempts=row["attempts"],
        next_attempt_at=maybe_from_db(row["next_attempt_at"]),  # type: ignore[arg-type]
        message=row["message"],
        message_id=row["message_id"],
        last_error=row["last_error"],
        created_at=maybe_from_db(row["created_at"]),  # type: ignore[arg-type]
        sent_at=maybe_from_db(row["sent_at"]),
        request_id=row["request_id"],
    )


def address_of(conn: Conn, recipient: str | None, user_id: int | None) -> str:
    """``recipient``, or the address of the account ``user_id``."""
    if recipient is not None:
        return recipient
    found = conn.value("SELECT email FROM users WHERE id = :id", id=user_id)
    assert found is not None, f"no user {user_id}"
    return str(found)


def _series_method(recipient: str, uid: str) -> str:
    """SQL: the method of the last mail to ``recipient`` about the series ``uid`` as a
    whole (both SQL expressions). A REQUEST means the recipient's calendar holds the series
    (they booked or were invited to all of it), a CANCEL or nothing that it does not."""
    return (
        f"SELECT ical_method FROM outbox WHERE recipient = {recipient} AND ical_uid = {uid}"
        " AND ical_recurrence IS NULL ORDER BY id DESC LIMIT 1"
    )


def holds_series(conn: Conn, recipient: str, session_id: int) -> bool:
    """Whether the recipient's calendar holds the whole series."""
    method = conn.value(
        _series_method(":recipient", ":uid"), recipient=recipient, uid=series_uid(session_id)
    )
    return method == "REQUEST"


def _used(conn: Conn, dedupe_key: str) -> bool:
    found = conn.one("SELECT 1 AS used FROM outbox WHERE dedupe_key = :key", key=dedupe_key)
    return found is not None


def addressee_columns(email: str) -> str:
    """SQL columns, over occurrences ``o``, for a mail about that occurrence to ``email``
    (an SQL expression), each named ``mail_*``: the address, the series, the occurrence's
    original and current start, and the method of the last mail about the series as a whole
    (see ``holds_series``). A caller that selects them passes its row to ``enqueue`` as
    ``addressee``; ``enqueue`` reads them by name."""
    series = _series_method(email, f"'{SERIES_UID_PREFIX}' || o.session_id")
    return (
        f"{email} AS mail_to, o.session_id AS mail_session_id,"
        " o.original_starts_at AS mail_original_start, o.starts_at AS mail_start,"
        f" ({series}) AS mail_series_method"
    )


_ADDRESSEE = (
    f"SELECT {addressee_columns('COALESCE(:recipient, u.email)')}"
    " FROM occurrences o LEFT JOIN users u ON u.id = :user_id WHERE o.id = :occurrence_id"
)


def _lock_entry(conn: Conn, recipient: str, uid: str) -> None:
    """PostgreSQL: mails to one person about one calendar entry are counted (SEQUENCE) one
    transaction at a time, so two written at once never get the same number. SQLite's
    single writer does this already."""
    if conn.dialect == POSTGRESQL:
        key = _ENTRY_LOCK | zlib.crc32(f"{recipient}\n{uid}".encode())
        conn.execute("SELECT pg_advisory_xact_lock(:key)", key=key)


def enqueue(
    conn: Conn,
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
    addressee: Row | None = None,
) -> int | None:
    """Add a mail to the outbox inside the caller's transaction; returns its id (None if
    ``dedupe_key`` was already used). About one occurrence, or (no ``occurrence_id``) the
    whole series of ``session_id``; ``series_wide`` turns a cancellation of one occurrence
    into one of the whole series for those who hold the series, once. A caller that read
    ``addressee_columns`` for this mail in its own query passes that row as ``addressee``."""
    recurrence: str | None = None
    if occurrence_id is not None:
        row = addressee
        if row is None:
            row = conn.one(
                _ADDRESSEE, recipient=recipient, user_id=user_id, occurrence_id=occurrence_id
            )
        assert row is not None, f"no occurrence {occurrence_id}"
        recipient = row["mail_to"]
        assert recipient is not None, f"no user {user_id}"
        session_id = int(row["mail_session_id"])
        whole = f"{kind}:{series_uid(session_id)}:{recipient}"
        if series_wide and _used(conn, whole):
            return None  # the whole series was cancelled for them in this same change
        if row["mail_series_method"] == "REQUEST":
            uid = series_uid(session_id)
            if series_wide:
                dedupe_key = dedupe_key or whole
            else:
                recurrence = row["mail_original_start"] or row["mail_start"]
        else:
            uid = occurrence_uid(occurrence_id)
    else:
        assert session_id is not None, "a mail is about an occurrence or a series"
        recipient = address_of(conn, recipient, user_id)
        uid = series_uid(session_id)
    body = {"occurrence_id": occurrence_id, "session_id": session_id, **(payload or {})}
    stamp = to_db(now)
    _lock_entry(conn, recipient, uid)
    # SEQUENCE: how many mails this recipient already got about this calendar entry
    made = conn.value(
        "INSERT INTO outbox (kind, recipient, user_id, payload, ical_uid, ical_recurrence,"
        " ical_sequence, ical_method, dedupe_key, next_attempt_at, created_at, request_id)"
        " VALUES (:kind, :recipient, :user_id, :payload, :uid, :recurrence,"
        " (SELECT COUNT(*) FROM outbox WHERE recipient = :recipient AND ical_uid = :uid),"
        " :method, :dedupe_key, :now, :now, :request_id)"
        " ON CONFLICT (dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING RETURNING id",
        kind=kind,
        recipient=recipient,
        user_id=user_id,
        payload=orjson.dumps(body).decode(),
        uid=uid,
        recurrence=recurrence,
        method="CANCEL" if kind in CANCELS else "REQUEST",
        dedupe_key=dedupe_key,
        now=stamp,
        request_id=context.current(conn),
    )
    return None if made is None else int(made)


async def mails(
    source: Source, *, status: str | None = None, after_id: int = 0, limit: int = 100
) -> list[Mail]:
    """Mails oldest first, optionally only those with ``status``."""
    sql = f"SELECT {COLUMNS} FROM outbox WHERE id > :after"
    params: dict[str, object] = {"after": after_id, "limit": limit}
    if status is not None:
        sql += " AND status = :status"
        params["status"] = status
    rows = await fetchall(source, sql + " ORDER BY id LIMIT :limit", params)
    return [mail_from_row(row) for row in rows]


async def mail(source: Source, mail_id: int) -> Mail | None:
    row = await fetchone(source, f"SELECT {COLUMNS} FROM outbox WHERE id = :id", {"id": mail_id})
    return None if row is None else mail_from_row(row)
