-- Agent (issue 5): which worker holds each room, words learners looked up, and the
-- indexes chat history and attendance are read by.

-- One row per room an agent holds or held. The holding worker refreshes seen_at every
-- second, so a row whose seen_at has gone stale belongs to a worker that died: the room
-- needs the agent again (livekit-server never re-dispatches by itself), and its open
-- presence rows are closed at seen_at if the room has ended meanwhile.
CREATE TABLE agent_rooms (
    room_name      TEXT PRIMARY KEY,
    occurrence_id  INTEGER REFERENCES occurrences(id),
    worker_id      TEXT,                 -- NULL: released (the agent left a room that went on)
    job_id         TEXT,                 -- livekit-agents job holding the room
    claimed_at     TEXT NOT NULL,
    seen_at        TEXT NOT NULL,        -- last time the holder was known to be alive
    dispatched_at  TEXT                  -- last explicit re-dispatch, so only one worker asks
);

-- Every word a participant looked up with /define, for their vocabulary notebook.
CREATE TABLE vocabulary_lookups (
    id             INTEGER PRIMARY KEY,
    room_name      TEXT NOT NULL,
    occurrence_id  INTEGER REFERENCES occurrences(id),
    identity       TEXT NOT NULL,
    query          TEXT NOT NULL,        -- as typed after /define
    headword       TEXT NOT NULL,        -- the dictionary word it resolved to (went -> go)
    context        TEXT,                 -- the chat sentence the word was seen in, if any
    message_id     TEXT NOT NULL,        -- the /define message: one lookup per message
    looked_up_at   TEXT NOT NULL,
    UNIQUE (room_name, message_id)
);
CREATE INDEX vocabulary_lookups_identity ON vocabulary_lookups (identity, id);

-- History pages by id within a room or an occurrence.
CREATE INDEX chat_messages_room_id ON chat_messages (room_name, id);
CREATE INDEX chat_messages_occurrence_id ON chat_messages (occurrence_id, id);
-- Attendance per identity; a rejoin looks up the identity's earlier stays.
CREATE INDEX presence_room_identity ON presence (room_name, identity);
CREATE INDEX presence_occurrence_identity ON presence (occurrence_id, identity);
