"""Reading invitations: one by id or by its guest link's token, a person's or a series'
invitations, and the seats one holds. The writing side is ``db.invitations``."""

from __future__ import annotations

from db import seat_holds
from db.conn import Conn
from db.invitations import SELECT, Invitation, from_row, load
from db.rows import Source, run


async def invitation(source: Source, invitation_id: int) -> Invitation | None:
    return await run(source, load, invitation_id)


def _by_token_hash(conn: Conn, token_hash: str) -> Invitation | None:
    row = conn.one(f"{SELECT} WHERE i.token_hash = :hash", hash=token_hash)
    return None if row is None else from_row(row)


async def by_token_hash(source: Source, token_hash: str) -> Invitation | None:
    return await run(source, _by_token_hash, token_hash)


def _where(conn: Conn, where: str, value: int) -> list[Invitation]:
    return [from_row(row) for row in conn.all(f"{SELECT} WHERE {where}", value=value)]


async def of_user(source: Source, user_id: int) -> list[Invitation]:
    return await run(source, _where, "i.user_id = :value ORDER BY i.id DESC", user_id)


async def of_session(source: Source, session_id: int) -> list[Invitation]:
    return await run(source, _where, "i.session_id = :value ORDER BY i.id", session_id)


async def seats(source: Source, invitation_id: int) -> list[tuple[int, str, str | None]]:
    return await run(source, seat_holds.held_until, invitation_id)
