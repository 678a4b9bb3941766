-- Accounts (sign-in tokens, failed sign-ins), per-occurrence seats and edits, the
-- waitlist, and LiveKit webhooks (dedupe and room lifecycle). Issue 4.

-- A bearer token as issued by sign-in; only its SHA-256 is kept, so a copy of the
-- database does not let anyone sign in.
CREATE TABLE auth_tokens (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    token_hash  TEXT NOT NULL UNIQUE,
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    expires_at  TEXT NOT NULL,
    revoked_at  TEXT
);
CREATE INDEX auth_tokens_user ON auth_tokens (user_id);

-- One row per sign-in attempt that has not (yet) succeeded, by normalised email and by
-- client address: the throttle counts them over a sliding window.
CREATE TABLE login_failures (
    id         INTEGER PRIMARY KEY,
    email      TEXT NOT NULL,
    address    TEXT NOT NULL,
    failed_at  TEXT NOT NULL
);
CREATE INDEX login_failures_email ON login_failures (email, failed_at);
CREATE INDEX login_failures_address ON login_failures (address, failed_at);

-- Each occurrence carries its own seat limit (copied from the session, editable per
-- occurrence) and a count of booked seats kept by the triggers below, so the limit is
-- also a CHECK the database itself enforces, whoever writes.
ALTER TABLE occurrences ADD COLUMN capacity INTEGER NOT NULL DEFAULT 1 CHECK (capacity > 0);
ALTER TABLE occurrences ADD COLUMN seats_booked INTEGER NOT NULL DEFAULT 0
    CHECK (seats_booked >= 0 AND seats_booked <= capacity);
-- The start the series rule gave this occurrence (RFC 5545 RECURRENCE-ID); differs from
-- starts_at once the occurrence is moved on its own.
ALTER TABLE occurrences ADD COLUMN original_starts_at TEXT;
-- 1 once the facilitator edited this one occurrence: series edits then leave it alone.
ALTER TABLE occurrences ADD COLUMN detached INTEGER NOT NULL DEFAULT 0;
ALTER TABLE occurrences ADD COLUMN cancelled_at TEXT;
UPDATE occurrences SET
    capacity = (SELECT capacity FROM sessions WHERE sessions.id = occurrences.session_id),
    original_starts_at = starts_at;
CREATE INDEX occurrences_session ON occurrences (session_id, starts_at);

-- Why a booking was cancelled, so the person can see it: 'participant' (they did),
-- 'occurrence_cancelled', 'session_cancelled' or 'rescheduled'.
ALTER TABLE bookings ADD COLUMN cancel_reason TEXT;
-- Place in the waitlist: the time the person joined it (then id breaks ties).
ALTER TABLE bookings ADD COLUMN waitlisted_at TEXT;
UPDATE bookings SET waitlisted_at = created_at WHERE status = 'waitlisted';
CREATE INDEX bookings_occurrence ON bookings (occurrence_id, status, waitlisted_at, id);

UPDATE occurrences SET seats_booked = (
    SELECT COUNT(*) FROM bookings
    WHERE bookings.occurrence_id = occurrences.id AND bookings.status = 'booked'
);

CREATE TRIGGER bookings_count_insert AFTER INSERT ON bookings
WHEN NEW.status = 'booked'
BEGIN
    UPDATE occurrences SET seats_booked = seats_booked + 1 WHERE id = NEW.occurrence_id;
END;

CREATE TRIGGER bookings_count_update AFTER UPDATE OF status ON bookings
WHEN (OLD.status = 'booked') <> (NEW.status = 'booked')
BEGIN
    UPDATE occurrences
    SET seats_booked = seats_booked + (CASE WHEN NEW.status = 'booked' THEN 1 ELSE -1 END)
    WHERE id = NEW.occurrence_id;
END;

CREATE TRIGGER bookings_count_delete AFTER DELETE ON bookings
WHEN OLD.status = 'booked'
BEGIN
    UPDATE occurrences SET seats_booked = seats_booked - 1 WHERE id = OLD.occurrence_id;
END;

-- livekit-server may deliver a webhook twice (and a replay verifies for 5 minutes):
-- each event id is handled once.
CREATE TABLE webhook_events (
    id           TEXT PRIMARY KEY,
    event        TEXT NOT NULL,
    room_name    TEXT,
    received_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- A room's life as livekit-server reported it: one row per room instance (sid).
CREATE TABLE room_lifecycle (
    id             INTEGER PRIMARY KEY,
    room_name      TEXT NOT NULL,
    room_sid       TEXT NOT NULL UNIQUE,
    occurrence_id  INTEGER REFERENCES occurrences(id),
    started_at     TEXT,
    finished_at    TEXT
);
CREATE INDEX room_lifecycle_room ON room_lifecycle (room_name);
