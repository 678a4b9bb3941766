"""Users, their sign-in tokens and the record of failed sign-ins."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from db.rows import Source, fetchall, fetchone
from db.times import from_db, maybe_from_db, to_db

FACILITATOR = "facilitator"
PARTICIPANT = "participant"
ROLES = (FACILITATOR, PARTICIPANT)


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


_USER_COLUMNS = "users.id, users.email, users.display_name, users.role, users.created_at"


def _user(row: sqlite3.Row) -> User:
    return User(row[0], row[1], row[2], row[3], from_db(row[4]))


async def create_user(
    conn: aiosqlite.Connection, *, email: str, display_name: str, role: str, password_hash: str
) -> User:
    try:
        cursor = await conn.execute(
            "INSERT INTO users (email, display_name, role, password_hash) VALUES (?, ?, ?, ?)",
            (email, display_name, role, password_hash),
        )
    except sqlite3.IntegrityError:
        raise EmailTaken(email) from None
    user = await user_by_id(conn, int(cursor.lastrowid or 0))
    assert user is not None
    return user


async def user_by_id(source: Source, user_id: int) -> User | None:
    row = await fetchone(source, f"SELECT {_USER_COLUMNS} FROM users WHERE id = ?", (user_id,))
    return None if row is None else _user(row)


async def credentials(source: Source, email: str) -> tuple[User, str] | None:
    """The user with this (normalised) email and their password hash."""
    row = await fetchone(
        source, f"SELECT {_USER_COLUMNS}, password_hash FROM users WHERE email = ?", (email,)
    )
    return None if row is None else (_user(row), row[5])


async def set_password_hash(conn: aiosqlite.Connection, user_id: int, password_hash: str) -> None:
    await conn.execute("UPDATE users SET password_hash = ? WHERE id = ?", (password_hash, user_id))


async def create_token(
    conn: aiosqlite.Connection, *, user_id: int, token_hash: str, expires_at: datetime
) -> None:
    await conn.execute(
        "INSERT INTO auth_tokens (user_id, token_hash, expires_at) VALUES (?, ?, ?)",
        (user_id, token_hash, to_db(expires_at)),
    )


async def token_owner(source: Source, token_hash: str) -> TokenOwner | None:
    row = await fetchone(
        source,
        f"SELECT {_USER_COLUMNS}, auth_tokens.id, auth_tokens.expires_at, auth_tokens.revoked_at"
        " FROM auth_tokens JOIN users ON users.id = auth_tokens.user_id"
        " WHERE auth_tokens.token_hash = ?",
        (token_hash,),
    )
    if row is None:
        return None
    return TokenOwner(_user(row), row[5], from_db(row[6]), maybe_from_db(row[7]))


async def revoke_token(conn: aiosqlite.Connection, token_id: int, now: datetime) -> None:
    await conn.execute(
        "UPDATE auth_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
        (to_db(now), token_id),
    )


async def failures_since(
    source: Source, *, email: str, address: str, since: datetime
) -> tuple[list[datetime], list[datetime]]:
    """Times of failed sign-ins since ``since``, newest first: for the email, for the address."""
    found: list[list[datetime]] = []
    for column, value in (("email", email), ("address", address)):
        rows = await fetchall(
            source,
            f"SELECT failed_at FROM login_failures WHERE {column} = ? AND failed_at >= ?"
            " ORDER BY failed_at DESC",
            (value, to_db(since)),
        )
        found.append([from_db(row[0]) for row in rows])
    return found[0], found[1]


async def record_failure(
    conn: aiosqlite.Connection, *, email: str, address: str, now: datetime, forget_before: datetime
) -> int:
    await conn.execute("DELETE FROM login_failures WHERE failed_at < ?", (to_db(forget_before),))
    cursor = await conn.execute(
        "INSERT INTO login_failures (email, address, failed_at) VALUES (?, ?, ?)",
        (email, address, to_db(now)),
    )
    return int(cursor.lastrowid or 0)


async def clear_failures(conn: aiosqlite.Connection, email: str) -> None:
    await conn.execute("DELETE FROM login_failures WHERE email = ?", (email,))
