"""What a learner set for themselves: their CEFR level and whether recaps are mailed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from db.conn import Conn
from db.rows import Source, run
from db.times import to_db


@dataclass(frozen=True, slots=True)
class LearnerSettings:
    level: str  # 'A1'..'C2', '' when not set (each session's level is used then)
    recap_emails: bool


def _load(conn: Conn, user_id: int) -> LearnerSettings:
    row = conn.one(
        "SELECT level, recap_emails FROM learner_settings WHERE user_id = :user", user=user_id
    )
    if row is None:
        return LearnerSettings("", True)
    return LearnerSettings(row["level"], bool(row["recap_emails"]))


async def settings_of(source: Source, user_id: int) -> LearnerSettings:
    return await run(source, _load, user_id)


def change(
    conn: Conn, user_id: int, level: str | None, recap_emails: bool | None, now: datetime
) -> LearnerSettings:
    """Set what is given, keep the rest."""
    current = _load(conn, user_id)
    conn.run(
        "INSERT INTO learner_settings (user_id, level, recap_emails, updated_at)"
        " VALUES (:user, :level, :emails, :now)"
        " ON CONFLICT (user_id) DO UPDATE SET level = excluded.level,"
        " recap_emails = excluded.recap_emails, updated_at = excluded.updated_at",
        user=user_id,
        level=current.level if level is None else level,
        emails=int(current.recap_emails if recap_emails is None else recap_emails),
        now=to_db(now),
    )
    return _load(conn, user_id)
