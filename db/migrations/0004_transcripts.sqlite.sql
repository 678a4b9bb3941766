-- Live captions: every final segment, kept with the session; and a per-session switch.

CREATE TABLE transcript_segments (
    id                INTEGER PRIMARY KEY,
    room_name         TEXT NOT NULL,
    occurrence_id     INTEGER REFERENCES occurrences(id),
    segment_id        TEXT NOT NULL UNIQUE,      -- lk.segment_id as published to clients
    speaker_identity  TEXT NOT NULL,
    speaker_name      TEXT NOT NULL DEFAULT '',
    track_sid         TEXT NOT NULL,
    text              TEXT NOT NULL,
    started_at        TEXT NOT NULL,
    ended_at          TEXT NOT NULL,
    stored_at         TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX transcript_segments_room ON transcript_segments (room_name, started_at);
CREATE INDEX transcript_segments_occurrence ON transcript_segments (occurrence_id, started_at);

-- Facilitators can switch captions off for a session; then no audio is processed at all.
ALTER TABLE sessions ADD COLUMN captions_enabled INTEGER NOT NULL DEFAULT 1
    CHECK (captions_enabled IN (0, 1));
