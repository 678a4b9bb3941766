"""Each person's mail settings: only reminders can be turned off."""

from __future__ import annotations

from db.conn import Conn
from db.rows import Source, fetchone


async def reminders_on(source: Source, user_id: int) -> bool:
    row = await fetchone(
        source, "SELECT reminder_emails FROM users WHERE id = :id", {"id": user_id}
    )
    return bool(row and row["reminder_emails"])


def set_reminders(conn: Conn, user_id: int, on: bool) -> None:
    conn.run("UPDATE users SET reminder_emails = :on WHERE id = :id", on=int(on), id=user_id)
