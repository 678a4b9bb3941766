"""Users, their sign-in tokens and the record of failed sign-ins."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from db.conn import Conn, Row
from db.errors import Conflict
from db.rows import Source, run
from db.times import from_db, maybe_from_db, to_db
from db.url import POSTGRESQL

FACILITATOR = "facilitator"
PARTICIPANT = "participant"
ROLES = (FACILITATOR, PARTICIPANT)

# Failed sign-ins are limited per account and per client address over a sliding window;
# successful ones are never counted, so a class behind one school address signs in freely.
SIGN_IN_WINDOW = timedelta(minutes=15)
PER_ACCOUNT = 5
PER_ADDRESS = 20
# Sign-ins still being checked (a password hash takes a while): per account they count
# against its failures, so parallel guesses cannot slip past; per address they are only
# capped, so the address's guesses in a window stay below PER_ADDRESS + IN_FLIGHT.
IN_FLIGHT_PER_ADDRESS = 64  # a class of 60 at once fits
# An attempt not settled by then (its process died) counts as a failure from then on.
IN_FLIGHT_FOR = timedelta(seconds=30)
# PostgreSQL: sign-in checks take this advisory lock (to commit) one at a time, so two
# counted at once on any node cannot both see room for one more. SQLite has one writer.
SIGN_IN_LOCK = 0x7369676E696E  # "signin"


@dataclass(frozen=True)
class User:
    id: int
    email: str
    display_name: str
    role: str
    created_at: datetime


@dataclass(frozen=True)
class TokenOwner:
    """Whoever a sign-in token belongs to, and whether it is still good."""

    user: User
    token_id: int
    expires_at: datetime
    revoked_at: datetime | None


class EmailTaken(Exception):
    pass


class TooManyAttempts(Exception):
    """Sign-in refused for a while; nothing was counted."""

    def __init__(self, whom: str, retry_after_s: float) -> None:
        super().__init__(f"too many failed sign-ins for {whom}")
        self.whom = whom  # "account", "address", or "in_flight" (too many at once)
        self.retry_after_s = retry_after_s


_USER_COLUMNS = (
    "users.id, users.email, users.display_name, users.role, users.created_at AS user_created_at"
)


def _user(row: Row) -> User:
    return User(
        row["id"], row["email"], row["display_name"], row["role"], from_db(row["user_created_at"])
    )


def create_user(conn: Conn, email: str, display_name: str, role: str, password_hash: str) -> User:
    """A new account; EmailTaken if the (normalised) email has one already."""
    try:
        with conn.savepoint():
            user_id = conn.value(
                "INSERT INTO users (email, display_name, role, password_hash)"
                " VALUES (:email, :name, :role, :hash) RETURNING id",
                email=email,
                name=display_name,
                role=role,
                hash=password_hash,
            )
    except Conflict:
        raise EmailTaken(email) from None
    user = load_user(conn, int(user_id))
    assert user is not None
    return user


def load_user(conn: Conn, user_id: int) -> User | None:
    row = conn.one(f"SELECT {_USER_COLUMNS} FROM users WHERE id = :id", id=user_id)
    return None if row is None else _user(row)


async def user_by_id(source: Source, user_id: int) -> User | None:
    return await run(source, load_user, user_id)


def _credentials(conn: Conn, email: str) -> tuple[User, str] | None:
    row = conn.one(
        f"SELECT {_USER_COLUMNS}, password_hash FROM users WHERE email = :email", email=email
    )
    return None if row is None else (_user(row), row["password_hash"])


async def credentials(source: Source, email: str) -> tuple[User, str] | None:
    """The user with this (normalised) email and their password hash."""
    return await run(source, _credentials, email)


def _token_owner(conn: Conn, token_hash: str) -> TokenOwner | None:
    row = conn.one(
        f"SELECT {_USER_COLUMNS}, auth_tokens.id AS token_id, auth_tokens.expires_at,"
        " auth_tokens.revoked_at"
        " FROM auth_tokens JOIN users ON users.id = auth_tokens.user_id"
        " WHERE auth_tokens.token_hash = :hash",
        hash=token_hash,
    )
    if row is None:
        return None
    return TokenOwner(
        _user(row), row["token_id"], from_db(row["expires_at"]), maybe_from_db(row["revoked_at"])
    )


async def token_owner(source: Source, token_hash: str) -> TokenOwner | None:
    return await run(source, _token_owner, token_hash)


def revoke_token(conn: Conn, token_id: int, now: datetime) -> None:
    conn.run(
        "UPDATE auth_tokens SET revoked_at = :now WHERE id = :id AND revoked_at IS NULL",
        now=to_db(now),
        id=token_id,
    )


def _attempts(conn: Conn, column: str, value: str, since: datetime) -> list[datetime]:
    rows = conn.all(
        f"SELECT failed_at FROM login_failures WHERE {column} = :value AND failed_at >= :since"
        " ORDER BY failed_at DESC",
        value=value,
        since=to_db(since),
    )
    return [from_db(row["failed_at"]) for row in rows]


def _retry_after(failed: list[datetime], limit: int, now: datetime) -> float | None:
    """Seconds until fewer than ``limit`` failures remain in the window, if at the limit."""
    if len(failed) < limit:
        return None
    return (failed[limit - 1] + SIGN_IN_WINDOW - now).total_seconds()


def begin_sign_in(conn: Conn, email: str, address: str, now: datetime) -> int:
    """Refuse (TooManyAttempts) if over a limit; otherwise record the attempt as in flight
    and return its id, for ``sign_in_failed`` or ``signed_in`` to settle.

    The state is rows of ``login_failures``, so every API node shares it: a failure is a row
    whose ``failed_at`` has passed; an attempt in flight is a row whose ``failed_at`` is
    still ahead (``now + IN_FLIGHT_FOR``), and becomes a failure by itself if nobody
    settles it."""
    if conn.dialect == POSTGRESQL:
        conn.execute("SELECT pg_advisory_xact_lock(:key)", key=SIGN_IN_LOCK).fetchall()
    since = now - SIGN_IN_WINDOW
    by_account = _attempts(conn, "email", email, since)
    by_address = _attempts(conn, "address", address, since)
    account_failed = [t for t in by_account if t <= now]
    address_failed = [t for t in by_address if t <= now]
    in_flight = len(by_address) - len(address_failed)
    waits: list[tuple[str, float]] = []
    # per account, attempts in flight count as failures until settled: guesses sent in
    # parallel at one account are bounded like guesses sent one after another
    if len(by_account) >= PER_ACCOUNT:
        wait = _retry_after(account_failed, PER_ACCOUNT, now)
        waits.append(("account", wait if wait is not None else 1.0))
    if (wait := _retry_after(address_failed, PER_ADDRESS, now)) is not None:
        waits.append(("address", wait))
    elif in_flight >= IN_FLIGHT_PER_ADDRESS:
        waits.append(("in_flight", 1.0))
    if waits:
        raise TooManyAttempts(waits[0][0], max(wait for _, wait in waits))
    conn.run("DELETE FROM login_failures WHERE failed_at < :before", before=to_db(since))
    return int(
        conn.value(
            "INSERT INTO login_failures (email, address, failed_at)"
            " VALUES (:email, :address, :until) RETURNING id",
            email=email,
            address=address,
            until=to_db(now + IN_FLIGHT_FOR),
        )
    )


def sign_in_failed(conn: Conn, attempt_id: int, now: datetime) -> None:
    """The attempt ``begin_sign_in`` recorded failed: it counts from now, for the window."""
    conn.run(
        "UPDATE login_failures SET failed_at = :now WHERE id = :id", now=to_db(now), id=attempt_id
    )


def signed_in(
    conn: Conn,
    user_id: int,
    email: str,
    token_hash: str,
    expires_at: datetime,
    new_password_hash: str | None,
    user_agent: str | None = None,
) -> None:
    """A sign-in succeeded: the account's failures (and this attempt) are forgiven, and
    its token kept (with the browser's User-Agent, for one's list of sign-ins)."""
    conn.run("DELETE FROM login_failures WHERE email = :email", email=email)
    conn.run(
        "INSERT INTO auth_tokens (user_id, token_hash, expires_at, user_agent)"
        " VALUES (:user, :hash, :until, :agent)",
        user=user_id,
        hash=token_hash,
        until=to_db(expires_at),
        agent=user_agent[:300] if user_agent else None,
    )
    if new_password_hash is not None:
        conn.run(
            "UPDATE users SET password_hash = :hash WHERE id = :id",
            hash=new_password_hash,
            id=user_id,
        )


def create_token(conn: Conn, *, user_id: int, token_hash: str, expires_at: datetime) -> None:
    conn.run(
        "INSERT INTO auth_tokens (user_id, token_hash, expires_at) VALUES (:user, :hash, :until)",
        user=user_id,
        hash=token_hash,
        until=to_db(expires_at),
    )
