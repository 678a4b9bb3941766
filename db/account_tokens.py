"""Links mailed to an account's address (verify it, or set a new password) and the
account's own list of sign-ins.

A link's token is 256 random bits; only its SHA-256 is stored (``account_tokens``). A
link works once and until it expires; a new one of the same purpose replaces the old.
The mail goes through the outbox in the same transaction, carrying the token in its
payload until it is sent (``db.outbox_claims.mark_sent`` removes it then).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import orjson

from db import context
from db.conn import Conn
from db.errors import NotFound
from db.times import from_db, maybe_from_db, to_db

VERIFY_EMAIL = "verify_email"
PASSWORD_RESET = "password_reset"
# Another mail of the same purpose is not sent sooner than this after the last one:
# asking again and again cannot flood someone's mailbox.
RESEND_AFTER = timedelta(minutes=1)


class LinkNotValid(Exception):
    """Unknown, used, expired or replaced."""


@dataclass(frozen=True)
class MySignIn:
    id: int
    created_at: datetime
    expires_at: datetime
    user_agent: str | None


def issue(
    conn: Conn,
    user_id: int,
    purpose: str,
    *,
    token: str,
    token_hash: str,
    now: datetime,
    valid_for: timedelta,
) -> bool:
    """A new link for ``user_id`` and its mail in the outbox; False (nothing sent) if one
    of this purpose was sent less than ``RESEND_AFTER`` ago."""
    last = conn.value(
        "SELECT MAX(created_at) FROM account_tokens WHERE user_id = :user AND purpose = :purpose",
        user=user_id,
        purpose=purpose,
    )
    if last is not None and from_db(last) > now - RESEND_AFTER:
        return False
    conn.run(
        "DELETE FROM account_tokens WHERE user_id = :user AND purpose = :purpose",
        user=user_id,
        purpose=purpose,
    )
    conn.run(
        "INSERT INTO account_tokens (user_id, purpose, token_hash, created_at, expires_at)"
        " VALUES (:user, :purpose, :hash, :now, :until)",
        user=user_id,
        purpose=purpose,
        hash=token_hash,
        now=to_db(now),
        until=to_db(now + valid_for),
    )
    email = conn.value("SELECT email FROM users WHERE id = :id", id=user_id)
    stamp = to_db(now)
    payload = {"token": token, "expires_at": to_db(now + valid_for)}
    conn.run(
        "INSERT INTO outbox (kind, recipient, user_id, payload, ical_uid, ical_sequence,"
        " ical_method, next_attempt_at, created_at, request_id)"
        " VALUES (:kind, :recipient, :user, :payload, :uid, 0, 'REQUEST', :now, :now, :rid)",
        kind=purpose,
        recipient=email,
        user=user_id,
        payload=orjson.dumps(payload).decode(),
        uid=f"account-{user_id}",  # no calendar entry: account mails attach none
        now=stamp,
        rid=context.current(conn),
    )
    return True


def request_facilitator(conn: Conn, user_id: int, now: datetime) -> None:
    """Ask an admin to make the user a facilitator (``db.admin.users(role="requested")``)."""
    conn.run(
        "INSERT INTO facilitator_requests (user_id, requested_at) VALUES (:id, :now)",
        id=user_id,
        now=to_db(now),
    )


def user_with_email(conn: Conn, email: str) -> int | None:
    found = conn.value("SELECT id FROM users WHERE email = :email", email=email)
    return None if found is None else int(found)


def holder(conn: Conn, purpose: str, token_hash: str, now: datetime) -> tuple[int, str]:
    """The user id and email a valid link belongs to (``LinkNotValid``); nothing used."""
    row = conn.one(
        "SELECT u.id, u.email FROM account_tokens t JOIN users u ON u.id = t.user_id"
        " WHERE t.token_hash = :hash AND t.purpose = :purpose AND t.used_at IS NULL"
        " AND t.expires_at > :now",
        hash=token_hash,
        purpose=purpose,
        now=to_db(now),
    )
    if row is None:
        raise LinkNotValid()
    return int(row["id"]), str(row["email"])


def redeem(conn: Conn, purpose: str, token_hash: str, now: datetime) -> int:
    """Use a link once: its user's id (``LinkNotValid``). Two uses at once: one wins."""
    found = conn.value(
        "UPDATE account_tokens SET used_at = :now WHERE token_hash = :hash"
        " AND purpose = :purpose AND used_at IS NULL AND expires_at > :now RETURNING user_id",
        hash=token_hash,
        purpose=purpose,
        now=to_db(now),
    )
    if found is None:
        raise LinkNotValid()
    return int(found)


def mark_verified(conn: Conn, user_id: int, now: datetime) -> None:
    conn.run(
        "UPDATE users SET email_verified_at = :now WHERE id = :id AND email_verified_at IS NULL",
        now=to_db(now),
        id=user_id,
    )


def is_verified(conn: Conn, user_id: int) -> bool:
    found = conn.value("SELECT email_verified_at FROM users WHERE id = :id", id=user_id)
    return found is not None


def set_password(conn: Conn, user_id: int, password_hash: str) -> None:
    conn.run(
        "UPDATE users SET password_hash = :hash WHERE id = :id", hash=password_hash, id=user_id
    )


def forget_attempt(conn: Conn, attempt_id: int) -> None:
    """A password checked right (``accounts.begin_sign_in`` counted it as in flight)."""
    conn.run("DELETE FROM login_failures WHERE id = :id", id=attempt_id)


_ACTIVE = "user_id = :user AND revoked_at IS NULL AND expires_at > :now"


def active_sign_ins(conn: Conn, user_id: int, now: datetime) -> list[MySignIn]:
    """The user's sign-ins that still work, newest first (as ``db.admin.sign_ins``)."""
    rows = conn.all(
        f"SELECT id, created_at, expires_at, user_agent FROM auth_tokens WHERE {_ACTIVE}"
        " ORDER BY id DESC",
        user=user_id,
        now=to_db(now),
    )
    return [
        MySignIn(
            int(r["id"]),
            maybe_from_db(r["created_at"]) or now,
            from_db(r["expires_at"]),
            r["user_agent"],
        )
        for r in rows
    ]


def revoke_sign_ins(conn: Conn, user_id: int, now: datetime, *, keep: int | None) -> list[int]:
    """Revoke every working sign-in of the user but ``keep``; the ids revoked."""
    ids = [
        int(r["id"])
        for r in conn.all(
            f"SELECT id FROM auth_tokens WHERE {_ACTIVE}", user=user_id, now=to_db(now)
        )
        if keep is None or int(r["id"]) != keep
    ]
    if ids:
        conn.run_many(
            "UPDATE auth_tokens SET revoked_at = :now WHERE id = :id AND revoked_at IS NULL",
            [{"now": to_db(now), "id": token_id} for token_id in ids],
        )
    return ids


def revoke_own(conn: Conn, user_id: int, token_id: int, now: datetime) -> None:
    """Revoke one working sign-in of the user's (``NotFound`` otherwise, whoever's it is)."""
    changed = conn.run(
        f"UPDATE auth_tokens SET revoked_at = :now WHERE id = :id AND {_ACTIVE}",
        user=user_id,
        id=token_id,
        now=to_db(now),
    )
    if not changed:
        raise NotFound(f"You have no active sign-in {token_id}.")
