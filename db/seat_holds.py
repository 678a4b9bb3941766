"""Seats taken by invitations: a seat held for an invitee for a while, or a guest's seat.

Rows of ``invitation_seats`` count in ``occurrences.seats_booked`` (triggers of migration
0005), so the database refuses to hold or give a guest a seat beyond the limit. A hold that
has lapsed is deleted before anyone books that occurrence and by the background sweeper,
and its seat goes to the first on the waitlist.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime

from db.times import to_db

HOLD = "hold"
GUEST = "guest"


def free_seat(conn: sqlite3.Connection, occurrence_id: int) -> bool:
    row = conn.execute(
        "SELECT seats_booked < capacity FROM occurrences WHERE id = ?", (occurrence_id,)
    ).fetchone()
    return bool(row and row[0])


def hold(conn: sqlite3.Connection, invitation_id: int, occurrence_id: int, until: datetime) -> bool:
    """Hold a seat until ``until`` if one is free; False if none is."""
    if not free_seat(conn, occurrence_id):
        return False
    conn.execute(
        "INSERT INTO invitation_seats (invitation_id, occurrence_id, kind, held_until)"
        " VALUES (?, ?, 'hold', ?) ON CONFLICT DO UPDATE SET held_until = excluded.held_until"
        " WHERE kind = 'hold'",
        (invitation_id, occurrence_id, to_db(until)),
    )
    return True


def seat_guest(conn: sqlite3.Connection, invitation_id: int, occurrence_id: int) -> bool:
    """A guest's seat: their hold becomes it, or a free seat; False if the occurrence is full."""
    changed = conn.execute(
        "UPDATE invitation_seats SET kind = 'guest', held_until = NULL"
        " WHERE invitation_id = ? AND occurrence_id = ?",
        (invitation_id, occurrence_id),
    )
    if changed.rowcount:
        return True
    if not free_seat(conn, occurrence_id):
        return False
    conn.execute(
        "INSERT INTO invitation_seats (invitation_id, occurrence_id, kind) VALUES (?, ?, 'guest')",
        (invitation_id, occurrence_id),
    )
    return True


def release(conn: sqlite3.Connection, invitation_id: int) -> list[int]:
    """Give back every seat the invitation holds; the occurrences that got one back."""
    rows = conn.execute(
        "DELETE FROM invitation_seats WHERE invitation_id = ? RETURNING occurrence_id",
        (invitation_id,),
    ).fetchall()
    return sorted({row[0] for row in rows})


def release_occurrence(conn: sqlite3.Connection, occurrence_id: int) -> list[int]:
    """Give back every invitation's seat in an occurrence; the invitations that had one."""
    rows = conn.execute(
        "DELETE FROM invitation_seats WHERE occurrence_id = ? RETURNING invitation_id",
        (occurrence_id,),
    ).fetchall()
    return sorted({row[0] for row in rows})


def lapse(conn: sqlite3.Connection, now: datetime, occurrence_id: int | None = None) -> list[int]:
    """Delete holds whose time is up (in one occurrence, or everywhere); the occurrences
    that got seats back."""
    sql = "DELETE FROM invitation_seats WHERE kind = 'hold' AND held_until <= ?"
    params: list[object] = [to_db(now)]
    if occurrence_id is not None:
        sql += " AND occurrence_id = ?"
        params.append(occurrence_id)
    rows = conn.execute(sql + " RETURNING occurrence_id", params).fetchall()
    return sorted({row[0] for row in rows})


def held_until(conn: sqlite3.Connection, invitation_id: int) -> list[tuple[int, str, str | None]]:
    """(occurrence_id, kind, held_until) of every seat the invitation has."""
    rows = conn.execute(
        "SELECT occurrence_id, kind, held_until FROM invitation_seats WHERE invitation_id = ?"
        " ORDER BY occurrence_id",
        (invitation_id,),
    ).fetchall()
    return [(row[0], row[1], row[2]) for row in rows]
