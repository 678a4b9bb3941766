-- Co~Learn first schema: accounts, sessions and their occurrences, bookings,
-- chat, presence and the event log that feeds live updates.
-- Times are UTC ISO-8601 strings ("2026-11-25T18:00:00.000Z") unless a column says otherwise.

CREATE TABLE users (
    id              INTEGER PRIMARY KEY,
    email           TEXT NOT NULL UNIQUE,          -- normalised (lower-cased) by the API
    display_name    TEXT NOT NULL,
    role            TEXT NOT NULL CHECK (role IN ('facilitator', 'participant')),
    password_hash   TEXT NOT NULL,                 -- argon2id
    created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- A session is what a facilitator books: one-time or a recurring series.
CREATE TABLE sessions (
    id                INTEGER PRIMARY KEY,
    facilitator_id    INTEGER NOT NULL REFERENCES users(id),
    title             TEXT NOT NULL,
    description       TEXT NOT NULL DEFAULT '',
    level             TEXT NOT NULL DEFAULT '',
    topic             TEXT NOT NULL DEFAULT '',
    timezone          TEXT NOT NULL,               -- IANA name, e.g. Europe/Berlin
    starts_local      TEXT NOT NULL,               -- first start, wall-clock time in timezone
    duration_minutes  INTEGER NOT NULL CHECK (duration_minutes > 0),
    capacity          INTEGER NOT NULL CHECK (capacity > 0),
    rrule             TEXT,                        -- RFC 5545 RRULE, NULL for one-time
    status            TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'cancelled')),
    created_at        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- One meeting of a session; each has its own LiveKit room.
CREATE TABLE occurrences (
    id          INTEGER PRIMARY KEY,
    session_id  INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    starts_at   TEXT NOT NULL,
    ends_at     TEXT NOT NULL,
    room_name   TEXT NOT NULL UNIQUE,
    status      TEXT NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'cancelled')),
    UNIQUE (session_id, starts_at)
);
CREATE INDEX occurrences_starts_at ON occurrences (starts_at);

CREATE TABLE bookings (
    id             INTEGER PRIMARY KEY,
    occurrence_id  INTEGER NOT NULL REFERENCES occurrences(id) ON DELETE CASCADE,
    user_id        INTEGER NOT NULL REFERENCES users(id),
    status         TEXT NOT NULL CHECK (status IN ('booked', 'waitlisted', 'cancelled')),
    created_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (occurrence_id, user_id)
);
CREATE INDEX bookings_user ON bookings (user_id);

-- Chat as sent in a room; message_id is the text stream id (or the legacy packet id),
-- so a message seen twice is stored once.
CREATE TABLE chat_messages (
    id               INTEGER PRIMARY KEY,
    room_name        TEXT NOT NULL,
    occurrence_id    INTEGER REFERENCES occurrences(id),
    message_id       TEXT NOT NULL,
    sender_identity  TEXT NOT NULL,
    sender_name      TEXT NOT NULL DEFAULT '',
    body             TEXT NOT NULL,
    sent_at          TEXT NOT NULL,
    stored_at        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (room_name, message_id)
);

-- One row per stay in a room: a participant who drops and rejoins has two.
CREATE TABLE presence (
    id             INTEGER PRIMARY KEY,
    room_name      TEXT NOT NULL,
    occurrence_id  INTEGER REFERENCES occurrences(id),
    identity       TEXT NOT NULL,
    display_name   TEXT NOT NULL DEFAULT '',
    joined_at      TEXT NOT NULL,
    left_at        TEXT
);
CREATE INDEX presence_room ON presence (room_name, left_at);

-- Written in the same transaction as the change it describes; the API streams these
-- to subscribers, resumable by id.
CREATE TABLE events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    topic       TEXT NOT NULL,                     -- e.g. 'occurrence:12', 'room:colearn-12'
    kind        TEXT NOT NULL,                     -- e.g. 'booking.created', 'presence.joined'
    payload     TEXT NOT NULL DEFAULT '{}',        -- JSON
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX events_topic ON events (topic, id);
