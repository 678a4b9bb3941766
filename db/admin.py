"""What an operator does from ``python -m api admin``: users and roles, sign-ins, the
outbox, cancelling an occurrence for everyone, and checking the database.

Each ``def`` is a unit of work (``db.read``/``db.write``) like everywhere else; the CLI
in ``api/admin/`` only parses, prints and chooses exit codes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from db import occurrence_changes, outbox
from db.accounts import FACILITATOR, PARTICIPANT
from db.conn import Conn, Row
from db.errors import NotFound
from db.rows import Source, run
from db.times import maybe_from_db, to_db

ADMIN = "admin"
REQUESTED = "requested"  # asked to be a facilitator (COLEARN_FACILITATOR_SIGNUP=approval)
ROLES = (FACILITATOR, ADMIN)  # what `admin role grant|take` changes

ACTIVE, EXPIRED, REVOKED = "active", "expired", "revoked"


@dataclass(frozen=True)
class UserRow:
    id: int
    email: str
    display_name: str
    role: str
    admin: bool
    created_at: str
    active_sign_ins: int


@dataclass(frozen=True)
class SignIn:
    id: int
    user_id: int
    email: str
    created_at: str
    expires_at: str
    revoked_at: str | None
    state: str


class NoSuchUser(NotFound):
    def __init__(self, who: str) -> None:
        super().__init__(f"there is no user {who}")


def find_user(conn: Conn, who: str) -> int:
    """The id of the user ``who`` names: an email address or an id (``NoSuchUser``)."""
    if who.isdigit():
        found = conn.value("SELECT id FROM users WHERE id = :id", id=int(who))
    else:
        found = conn.value("SELECT id FROM users WHERE email = :email", email=who.strip().lower())
    if found is None:
        raise NoSuchUser(who)
    return int(found)


def is_admin_now(conn: Conn, user_id: int) -> bool:
    return conn.value("SELECT 1 FROM admins WHERE user_id = :id", id=user_id) is not None


async def is_admin(source: Source, user_id: int) -> bool:
    return await run(source, is_admin_now, user_id)


def users(conn: Conn, role: str | None, now: datetime) -> list[UserRow]:
    """Every user, oldest first; ``role`` keeps facilitators, participants or admins."""
    where = ""
    if role == ADMIN:
        where = " WHERE a.user_id IS NOT NULL"
    elif role == REQUESTED:
        where = " WHERE u.id IN (SELECT user_id FROM facilitator_requests)"
    elif role is not None:
        where = " WHERE u.role = :role"
    rows = conn.all(
        "SELECT u.id, u.email, u.display_name, u.role, u.created_at,"
        " a.user_id IS NOT NULL AS admin,"
        " (SELECT COUNT(*) FROM auth_tokens t WHERE t.user_id = u.id AND t.revoked_at IS NULL"
        "  AND t.expires_at > :now) AS active"
        " FROM users u LEFT JOIN admins a ON a.user_id = u.id" + where + " ORDER BY u.id",
        role=role,
        now=to_db(now),
    )
    return [
        UserRow(
            r["id"],
            r["email"],
            r["display_name"],
            r["role"],
            bool(r["admin"]),
            r["created_at"],
            int(r["active"]),
        )
        for r in rows
    ]


def _sign_in(row: Row, now: datetime) -> SignIn:
    state = ACTIVE
    if row["revoked_at"] is not None:
        state = REVOKED
    elif (maybe_from_db(row["expires_at"]) or now) <= now:
        state = EXPIRED
    return SignIn(
        row["id"], row["user_id"], row["email"], row["created_at"], row["expires_at"],
        row["revoked_at"], state,
    )  # fmt: skip


_SIGN_INS = (
    "SELECT t.id, t.user_id, u.email, t.created_at, t.expires_at, t.revoked_at"
    " FROM auth_tokens t JOIN users u ON u.id = t.user_id"
)


def sign_ins(conn: Conn, who: str | None, everything: bool, now: datetime) -> list[SignIn]:
    """Sign-ins, newest first: of one user or of all; only active ones unless ``everything``."""
    clauses, params = [], {"now": to_db(now)}
    if who is not None:
        clauses.append("t.user_id = :user")
        params["user"] = find_user(conn, who)  # type: ignore[assignment]
    if not everything:
        clauses.append("t.revoked_at IS NULL AND t.expires_at > :now")
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    rows = conn.all(f"{_SIGN_INS}{where} ORDER BY t.id DESC", params)
    return [_sign_in(row, now) for row in rows]


def revoke_sign_in(conn: Conn, token_id: int, now: datetime) -> SignIn:
    """Revoke one sign-in (``NotFound``); revoking a revoked one changes nothing."""
    conn.run(
        "UPDATE auth_tokens SET revoked_at = :now WHERE id = :id AND revoked_at IS NULL",
        now=to_db(now),
        id=token_id,
    )
    row = conn.one(f"{_SIGN_INS} WHERE t.id = :id", id=token_id)
    if row is None:
        raise NotFound(f"there is no sign-in {token_id}")
    return _sign_in(row, now)


def revoke_sign_ins_of(conn: Conn, who: str, now: datetime) -> int:
    """Revoke every sign-in of a user that is not revoked yet; how many were."""
    user_id = find_user(conn, who)
    return conn.run(
        "UPDATE auth_tokens SET revoked_at = :now WHERE user_id = :user AND revoked_at IS NULL",
        now=to_db(now),
        user=user_id,
    )


def set_role(conn: Conn, who: str, role: str, granted: bool, now: datetime) -> bool:
    """Grant or take ``facilitator`` or ``admin``; whether anything changed. Taking the
    facilitator role makes the user a participant again."""
    user_id = find_user(conn, who)
    if role == ADMIN:
        if granted:
            if is_admin_now(conn, user_id):
                return False
            conn.run(
                "INSERT INTO admins (user_id, granted_at) VALUES (:id, :now)",
                id=user_id,
                now=to_db(now),
            )
            return True
        return conn.run("DELETE FROM admins WHERE user_id = :id", id=user_id) > 0
    assert role == FACILITATOR, role
    # granted or refused, a request to be a facilitator is answered
    conn.run("DELETE FROM facilitator_requests WHERE user_id = :id", id=user_id)
    new, old = (FACILITATOR, PARTICIPANT) if granted else (PARTICIPANT, FACILITATOR)
    return (
        conn.run(
            "UPDATE users SET role = :new WHERE id = :id AND role = :old",
            new=new,
            old=old,
            id=user_id,
        )
        > 0
    )


@dataclass(frozen=True)
class Cancelled:
    occurrence_id: int
    already: bool
    released: int  # bookings and waitlist places given back
    mails: int  # notices queued in the outbox


def cancel_occurrence(conn: Conn, occurrence_id: int, now: datetime) -> Cancelled:
    """Cancel an occurrence the way its facilitator would (``db.occurrence_changes.cancel``):
    everyone booked, waiting or invited is told, by event and by mail through the outbox.
    Refused: ``bookings.NoSuchOccurrence``, ``bookings.OccurrenceEnded``."""
    last_mail = conn.value("SELECT COALESCE(MAX(id), 0) FROM outbox")
    before = conn.value("SELECT status FROM occurrences WHERE id = :id", id=occurrence_id)
    occurrence_changes.cancel(conn, occurrence_id, now)
    released = conn.value(
        "SELECT COUNT(*) FROM bookings WHERE occurrence_id = :id AND status = 'cancelled'"
        " AND updated_at = :now",
        id=occurrence_id,
        now=to_db(now),
    )
    mails = conn.value("SELECT COUNT(*) FROM outbox WHERE id > :last", last=last_mail)
    return Cancelled(occurrence_id, before == "cancelled", int(released), int(mails))


def outbox_entries(
    conn: Conn, status: str | None, kind: str | None, recipient: str | None, limit: int
) -> list[outbox.Mail]:
    """Mails newest first, filtered by status, kind and recipient address (a substring)."""
    clauses, params = [], {"limit": limit}
    for column, value in (("status", status), ("kind", kind)):
        if value is not None:
            clauses.append(f"{column} = :{column}")
            params[column] = value  # type: ignore[assignment]
    if recipient is not None:
        clauses.append("LOWER(recipient) LIKE :recipient")
        params["recipient"] = f"%{recipient.lower()}%"  # type: ignore[assignment]
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    rows = conn.all(
        f"SELECT {outbox.COLUMNS} FROM outbox{where} ORDER BY id DESC LIMIT :limit", params
    )
    return [outbox.mail_from_row(row) for row in rows]


def outbox_counts(conn: Conn) -> dict[str, int]:
    rows = conn.all("SELECT status, COUNT(*) AS n FROM outbox GROUP BY status")
    found = {row["status"]: int(row["n"]) for row in rows}
    return {s: found.get(s, 0) for s in (outbox.PENDING, outbox.FAILED, outbox.SENT)}


class CannotResend(Exception):
    """The mail cannot be sent again as it was; the message says why and what to do."""


def resend(conn: Conn, mail_id: int, now: datetime) -> str:
    """Queue a sent or failed mail again, to go out at once (the same message); its status
    before. A pending one is only brought forward (a sender holding it keeps its claim).
    ``NotFound`` if there is no such mail; ``CannotResend`` for a guest's invitation once
    sent, whose personal link was removed from the outbox."""
    row = conn.one("SELECT status, message FROM outbox WHERE id = :id", id=mail_id)
    if row is None:
        raise NotFound(f"there is no mail {mail_id} in the outbox")
    status = str(row["status"])
    if status == outbox.PENDING:
        conn.run(
            "UPDATE outbox SET next_attempt_at = :now WHERE id = :id", now=to_db(now), id=mail_id
        )
        return status
    if status == outbox.SENT and row["message"] is None:
        raise CannotResend(
            f"mail {mail_id} held a personal link, removed from the outbox once sent;"
            " withdraw the invitation and invite again for a new link"
        )
    conn.run(
        "UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = :now,"
        " sent_at = NULL, last_error = NULL, lease_owner = NULL, lease_until = NULL"
        " WHERE id = :id",
        now=to_db(now),
        id=mail_id,
    )
    return status


def integrity_problems(conn: Conn, dialect: str) -> list[str]:
    """What the engine's own checks find wrong; empty when all is well. SQLite: ``PRAGMA
    integrity_check`` and ``foreign_key_check``; PostgreSQL keeps both true by itself, so
    it answers with each table's existence (the schema check is the caller's)."""
    if dialect == "sqlite":
        found = [str(r["integrity_check"]) for r in conn.all("PRAGMA integrity_check")]
        problems = [line for line in found if line != "ok"]
        for row in conn.all("PRAGMA foreign_key_check"):
            problems.append(
                f"{row['table']} row {row['rowid']} points at a missing {row['parent']} row"
            )
        return problems
    conn.value("SELECT 1")
    return []


def missing_tables(conn: Conn, dialect: str, tables: tuple[str, ...]) -> list[str]:
    if dialect == "sqlite":
        rows = conn.all("SELECT name FROM sqlite_master WHERE type = 'table'")
    else:
        rows = conn.all(
            "SELECT table_name AS name FROM information_schema.tables"
            " WHERE table_schema = current_schema()"
        )
    present = {row["name"] for row in rows}
    return [table for table in tables if table not in present]
