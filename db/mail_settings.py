"""Each person's mail settings: only reminders can be turned off."""

from __future__ import annotations

import aiosqlite

from db.rows import Source, fetchone


async def reminders_on(source: Source, user_id: int) -> bool:
    row = await fetchone(source, "SELECT reminder_emails FROM users WHERE id = ?", (user_id,))
    return bool(row and row[0])


async def set_reminders(conn: aiosqlite.Connection, user_id: int, on: bool) -> None:
    await conn.execute("UPDATE users SET reminder_emails = ? WHERE id = ?", (int(on), user_id))
