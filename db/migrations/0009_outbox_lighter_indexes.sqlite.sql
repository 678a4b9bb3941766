-- Lighter outbox indexes: every booking writes a mail row, and each index entry is one
-- more write (and often one more page in the WAL).
-- - dedupe_key was a UNIQUE column, so the NULL of every mail without a key (nearly all)
--   had an index entry too; the rule now covers only rows that have a key. SQLite cannot
--   change a column's constraint in place, so the table is rebuilt.
-- - the sender looks for due mail among pending rows only: that index now holds those
--   alone, keyed by when they are due, and a sent mail leaves it.
CREATE TABLE outbox_new (
    id               INTEGER PRIMARY KEY,
    kind             TEXT NOT NULL,
    recipient        TEXT NOT NULL,
    user_id          INTEGER REFERENCES users(id),
    payload          TEXT NOT NULL DEFAULT '{}',   -- JSON: ids the mail is about
    ical_uid         TEXT NOT NULL,                -- the calendar entry it creates or changes
    ical_recurrence  TEXT,                         -- RECURRENCE-ID: one instance of a series
    ical_sequence    INTEGER NOT NULL,
    ical_method      TEXT NOT NULL CHECK (ical_method IN ('REQUEST', 'CANCEL')),
    dedupe_key       TEXT,                         -- e.g. one reminder per booking
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
INSERT INTO outbox_new
    SELECT id, kind, recipient, user_id, payload, ical_uid, ical_recurrence, ical_sequence,
           ical_method, dedupe_key, status, attempts, next_attempt_at, lease_owner,
           lease_until, message, message_id, last_error, created_at, sent_at
    FROM outbox ORDER BY id;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE UNIQUE INDEX outbox_dedupe ON outbox (dedupe_key) WHERE dedupe_key IS NOT NULL;
CREATE INDEX outbox_due ON outbox (next_attempt_at, id) WHERE status = 'pending';
CREATE INDEX outbox_calendar ON outbox (ical_uid, recipient, id);
