-- Event ids without AUTOINCREMENT: it keeps a counter row in sqlite_sequence that every
-- insert updates, a second write per event (a booking writes two events). Ids still only
-- grow: SQLite gives a new row the largest id plus one, and events are never deleted.
-- (Anything that ever prunes events must keep the newest one, or its id could be given
-- again and a client resuming from it would miss the event that got it.)
CREATE TABLE events_new (
    id          INTEGER PRIMARY KEY,
    topic       TEXT NOT NULL,                     -- e.g. 'occurrence:12', 'room:colearn-12'
    kind        TEXT NOT NULL,                     -- e.g. 'seats.changed', 'presence.joined'
    payload     TEXT NOT NULL DEFAULT '{}',        -- JSON
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
INSERT INTO events_new (id, topic, kind, payload, created_at)
    SELECT id, topic, kind, payload, created_at FROM events ORDER BY id;
DROP TABLE events;
ALTER TABLE events_new RENAME TO events;
