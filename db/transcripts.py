"""Caption segments and the per-session captions switch."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import aiosqlite

from db.database import Database


@dataclass(frozen=True)
class CaptionSettings:
    occurrence_id: int | None
    enabled: bool


@dataclass(frozen=True)
class Segment:
    segment_id: str
    speaker_identity: str
    speaker_name: str
    track_sid: str
    text: str
    started_at: datetime
    ended_at: datetime


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


async def caption_settings(db: Database, room_name: str) -> CaptionSettings:
    """Captions are on unless the room's session switched them off."""
    row = await db.fetchone(
        "SELECT o.id, s.captions_enabled FROM occurrences o JOIN sessions s ON s.id = o.session_id"
        " WHERE o.room_name = ?",
        (room_name,),
    )
    if row is None:
        return CaptionSettings(occurrence_id=None, enabled=True)
    return CaptionSettings(occurrence_id=int(row[0]), enabled=bool(row[1]))


async def set_captions_enabled(db: Database, session_id: int, enabled: bool) -> bool:
    """Returns False when there is no such session."""
    async with db.transaction() as conn:
        cursor = await conn.execute(
            "UPDATE sessions SET captions_enabled = ? WHERE id = ?", (int(enabled), session_id)
        )
        return cursor.rowcount == 1


async def insert_segment(
    conn: aiosqlite.Connection, room_name: str, occurrence_id: int | None, segment: Segment
) -> None:
    """Store a final segment inside the caller's transaction (a second copy is ignored)."""
    await conn.execute(
        "INSERT INTO transcript_segments (room_name, occurrence_id, segment_id,"
        " speaker_identity, speaker_name, track_sid, text, started_at, ended_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (segment_id) DO NOTHING",
        (
            room_name,
            occurrence_id,
            segment.segment_id,
            segment.speaker_identity,
            segment.speaker_name,
            segment.track_sid,
            segment.text,
            _iso(segment.started_at),
            _iso(segment.ended_at),
        ),
    )


async def add_segment(
    db: Database, room_name: str, occurrence_id: int | None, segment: Segment
) -> None:
    async with db.transaction() as conn:
        await insert_segment(conn, room_name, occurrence_id, segment)


async def room_segments(db: Database, room_name: str) -> list[dict[str, object]]:
    rows = await db.fetchall(
        "SELECT segment_id, speaker_identity, speaker_name, track_sid, text, started_at, ended_at"
        " FROM transcript_segments WHERE room_name = ? ORDER BY started_at, id",
        (room_name,),
    )
    return [dict(row) for row in rows]


async def occurrence_segments(db: Database, occurrence_id: int) -> list[dict[str, object]]:
    rows = await db.fetchall(
        "SELECT segment_id, speaker_identity, speaker_name, track_sid, text, started_at, ended_at"
        " FROM transcript_segments WHERE occurrence_id = ? ORDER BY started_at, id",
        (occurrence_id,),
    )
    return [dict(row) for row in rows]
