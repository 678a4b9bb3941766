-- Invitations (members and guests), seats they hold, mail settings and the mail outbox.
-- Issue 8.

-- A facilitator's invitation of one person to one occurrence, or to the whole series
-- (occurrence_id NULL). A member has an account (user_id); a guest has only an email
-- and a personal link, of which only the SHA-256 is kept. A guest who later makes an
-- account gets user_id set and keeps the invitation.
CREATE TABLE invitations (
    id             INTEGER PRIMARY KEY,
    session_id     INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    occurrence_id  INTEGER REFERENCES occurrences(id),
    invited_by     INTEGER NOT NULL REFERENCES users(id),
    email          TEXT NOT NULL,                  -- normalised like users.email
    user_id        INTEGER REFERENCES users(id),
    kind           TEXT NOT NULL CHECK (kind IN ('member', 'guest')),
    status         TEXT NOT NULL DEFAULT 'pending'
                   CHECK (status IN ('pending', 'accepted', 'declined', 'revoked')),
    token_hash     TEXT UNIQUE,                    -- guests only
    guest_name     TEXT,                           -- the name a guest entered
    hold_minutes   INTEGER,                        -- the seat hold the facilitator asked for
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
-- Inviting the same address to the same thing again finds this row (idempotent).
CREATE UNIQUE INDEX invitations_once ON invitations (session_id, IFNULL(occurrence_id, 0), email);
CREATE INDEX invitations_user ON invitations (user_id, status);
CREATE INDEX invitations_sender ON invitations (invited_by, created_at);

-- Seats taken by invitations rather than bookings: a seat held for an invitee until
-- held_until, or a guest's seat. They count in occurrences.seats_booked like booked
-- bookings do, so the CHECK of migration 0002 (seats_booked <= capacity) refuses an
-- overbooking whoever writes; a held seat turns into a booking (or a guest's seat)
-- when the invitation is accepted, and is deleted when the hold lapses.
CREATE TABLE invitation_seats (
    invitation_id  INTEGER NOT NULL REFERENCES invitations(id) ON DELETE CASCADE,
    occurrence_id  INTEGER NOT NULL REFERENCES occurrences(id) ON DELETE CASCADE,
    kind           TEXT NOT NULL CHECK (kind IN ('hold', 'guest')),
    held_until     TEXT,                           -- holds only
    PRIMARY KEY (invitation_id, occurrence_id)
);
CREATE INDEX invitation_seats_occurrence ON invitation_seats (occurrence_id, kind);
CREATE INDEX invitation_seats_lapsing ON invitation_seats (held_until) WHERE kind = 'hold';

CREATE TRIGGER invitation_seats_count_insert AFTER INSERT ON invitation_seats
BEGIN
    UPDATE occurrences SET seats_booked = seats_booked + 1 WHERE id = NEW.occurrence_id;
END;

CREATE TRIGGER invitation_seats_count_delete AFTER DELETE ON invitation_seats
BEGIN
    UPDATE occurrences SET seats_booked = seats_booked - 1 WHERE id = OLD.occurrence_id;
END;

-- Reminder mails can be turned off; invitations and confirmations cannot.
ALTER TABLE users ADD COLUMN reminder_emails INTEGER NOT NULL DEFAULT 1
    CHECK (reminder_emails IN (0, 1));

-- Mail to send, written in the same transaction as the change it tells about, so a
-- crash never loses one. A sender claims due rows with a lease (lease_until) and marks
-- each sent as soon as the SMTP server accepted it; a claim whose sender died lapses and
-- is retried. The message is rendered once, at the first attempt, and kept, so a retry
-- sends the same bytes with the same Message-ID.
CREATE TABLE outbox (
    id               INTEGER PRIMARY KEY,
    kind             TEXT NOT NULL,
    recipient        TEXT NOT NULL,
    user_id          INTEGER REFERENCES users(id),
    payload          TEXT NOT NULL DEFAULT '{}',   -- JSON: ids the mail is about
    ical_uid         TEXT NOT NULL,                -- the calendar entry it creates or changes
    ical_recurrence  TEXT,                         -- RECURRENCE-ID: one instance of a series
    ical_sequence    INTEGER NOT NULL,
    ical_method      TEXT NOT NULL CHECK (ical_method IN ('REQUEST', 'CANCEL')),
    dedupe_key       TEXT UNIQUE,                  -- e.g. one reminder per booking
    status           TEXT NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'sent', 'failed')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT NOT NULL,
    lease_owner      TEXT,
    lease_until      TEXT,
    message          TEXT,
    message_id       TEXT,
    last_error       TEXT,
    created_at       TEXT NOT NULL,
    sent_at          TEXT
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at, id);
CREATE INDEX outbox_calendar ON outbox (recipient, ical_uid, id);
