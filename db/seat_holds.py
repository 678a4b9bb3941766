"""Seats taken by invitations: a seat held for an invitee for a while, or a guest's seat.

Rows of ``invitation_seats`` count in ``occurrences.seats_booked`` (triggers of migration
0005), so the database refuses to hold or give a guest a seat beyond the limit. A hold that
has lapsed is deleted before anyone books that occurrence and by the background sweeper,
and its seat goes to the first on the waitlist.
"""

from __future__ import annotations

from datetime import datetime

from db.conn import Conn
from db.times import to_db

HOLD = "hold"
GUEST = "guest"


def free_seat(conn: Conn, occurrence_id: int) -> bool:
    """Whether the occurrence has a seat free; its row stays locked (on PostgreSQL) until
    the transaction ends, so nobody takes that seat meanwhile."""
    # one statement: a locking read of one row answers with the row as last committed
    row = conn.one(
        "SELECT seats_booked, capacity FROM occurrences WHERE id = :id" + conn.for_update,
        id=occurrence_id,
    )
    return row is not None and row["seats_booked"] < row["capacity"]


def hold(conn: Conn, invitation_id: int, occurrence_id: int, until: datetime) -> bool:
    """Hold a seat until ``until`` if one is free; False if none is."""
    if not free_seat(conn, occurrence_id):
        return False
    conn.run(
        "INSERT INTO invitation_seats (invitation_id, occurrence_id, kind, held_until)"
        " VALUES (:invitation, :occurrence, 'hold', :until)"
        " ON CONFLICT (invitation_id, occurrence_id) DO UPDATE"
        " SET held_until = excluded.held_until WHERE invitation_seats.kind = 'hold'",
        invitation=invitation_id,
        occurrence=occurrence_id,
        until=to_db(until),
    )
    return True


def seat_guest(conn: Conn, invitation_id: int, occurrence_id: int) -> bool:
    """A guest's seat: their hold becomes it, or a free seat; False if the occurrence is full."""
    changed = conn.run(
        "UPDATE invitation_seats SET kind = 'guest', held_until = NULL"
        " WHERE invitation_id = :invitation AND occurrence_id = :occurrence",
        invitation=invitation_id,
        occurrence=occurrence_id,
    )
    if changed:
        return True
    if not free_seat(conn, occurrence_id):
        return False
    conn.run(
        "INSERT INTO invitation_seats (invitation_id, occurrence_id, kind)"
        " VALUES (:invitation, :occurrence, 'guest')",
        invitation=invitation_id,
        occurrence=occurrence_id,
    )
    return True


def release(conn: Conn, invitation_id: int) -> list[int]:
    """Give back every seat the invitation holds; the occurrences that got one back."""
    rows = conn.all(
        "DELETE FROM invitation_seats WHERE invitation_id = :id RETURNING occurrence_id",
        id=invitation_id,
    )
    return sorted({row["occurrence_id"] for row in rows})


def release_occurrence(conn: Conn, occurrence_id: int) -> list[int]:
    """Give back every invitation's seat in an occurrence; the invitations that had one."""
    rows = conn.all(
        "DELETE FROM invitation_seats WHERE occurrence_id = :id RETURNING invitation_id",
        id=occurrence_id,
    )
    return sorted({row["invitation_id"] for row in rows})


def lapse(conn: Conn, now: datetime, occurrence_id: int | None = None) -> list[int]:
    """Delete holds whose time is up (in one occurrence, or everywhere); the occurrences
    that got seats back."""
    sql = "DELETE FROM invitation_seats WHERE kind = 'hold' AND held_until <= :now"
    params: dict[str, object] = {"now": to_db(now)}
    if occurrence_id is not None:
        sql += " AND occurrence_id = :occurrence"
        params["occurrence"] = occurrence_id
    rows = conn.all(sql + " RETURNING occurrence_id", params)
    return sorted({row["occurrence_id"] for row in rows})


def held_until(conn: Conn, invitation_id: int) -> list[tuple[int, str, str | None]]:
    """(occurrence_id, kind, held_until) of every seat the invitation has."""
    rows = conn.all(
        "SELECT occurrence_id, kind, held_until FROM invitation_seats"
        " WHERE invitation_id = :id ORDER BY occurrence_id",
        id=invitation_id,
    )
    return [(row["occurrence_id"], row["kind"], row["held_until"]) for row in rows]
