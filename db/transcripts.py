"""Caption segments and the per-session captions switch."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from db.conn import Conn
from db.rows import Source, run
from db.times import to_db


@dataclass(frozen=True)
class CaptionSettings:
    occurrence_id: int | None
    enabled: bool
    language: str | None = None  # the session's; None for a room the API did not create


@dataclass(frozen=True)
class Segment:
    segment_id: str
    speaker_identity: str
    speaker_name: str
    track_sid: str
    text: str
    started_at: datetime
    ended_at: datetime


def settings_of(conn: Conn, room_name: str) -> CaptionSettings:
    """Captions are on unless the room's session switched them off."""
    row = conn.one(
        "SELECT o.id, s.captions_enabled, s.language"
        " FROM occurrences o JOIN sessions s ON s.id = o.session_id WHERE o.room_name = :room",
        room=room_name,
    )
    if row is None:
        return CaptionSettings(occurrence_id=None, enabled=True)
    return CaptionSettings(
        occurrence_id=int(row["id"]),
        enabled=bool(row["captions_enabled"]),
        language=str(row["language"]),
    )


async def caption_settings(source: Source, room_name: str) -> CaptionSettings:
    return await run(source, settings_of, room_name)


def set_captions_enabled(conn: Conn, session_id: int, enabled: bool) -> bool:
    """Switch a session's captions; False when there is no such session."""
    changed = conn.run(
        "UPDATE sessions SET captions_enabled = :enabled WHERE id = :id",
        enabled=int(enabled),
        id=session_id,
    )
    return changed == 1


def insert_segment(conn: Conn, room_name: str, occurrence_id: int | None, segment: Segment) -> None:
    """Store a final segment (a second copy is ignored)."""
    conn.run(
        "INSERT INTO transcript_segments (room_name, occurrence_id, segment_id,"
        " speaker_identity, speaker_name, track_sid, text, started_at, ended_at)"
        " VALUES (:room, :occurrence, :segment_id, :identity, :name, :track, :text,"
        "  :started_at, :ended_at)"
        " ON CONFLICT (segment_id) DO NOTHING",
        room=room_name,
        occurrence=occurrence_id,
        segment_id=segment.segment_id,
        identity=segment.speaker_identity,
        name=segment.speaker_name,
        track=segment.track_sid,
        text=segment.text,
        started_at=to_db(segment.started_at),
        ended_at=to_db(segment.ended_at),
    )


_SEGMENT_COLUMNS = (
    "segment_id, speaker_identity, speaker_name, track_sid, text, started_at, ended_at"
)


def _segments(conn: Conn, column: str, key: str | int) -> list[dict[str, object]]:
    rows = conn.all(
        f"SELECT {_SEGMENT_COLUMNS} FROM transcript_segments WHERE {column} = :key"
        " ORDER BY started_at, id",
        key=key,
    )
    return [dict(row) for row in rows]


async def room_segments(source: Source, room_name: str) -> list[dict[str, object]]:
    return await run(source, _segments, "room_name", room_name)


async def occurrence_segments(source: Source, occurrence_id: int) -> list[dict[str, object]]:
    return await run(source, _segments, "occurrence_id", occurrence_id)
