-- Operating Co~Learn: which agent workers are alive (for /readyz), and the request id
-- carried from an API request into the events and mails it causes (for the logs).
CREATE TABLE agent_workers (
    worker_id   TEXT PRIMARY KEY,         -- host-pid, as in agent_rooms.worker_id
    started_at  TEXT NOT NULL,
    seen_at     TEXT NOT NULL,            -- refreshed every second while it is registered
    rooms_held  INTEGER NOT NULL DEFAULT 0
);

ALTER TABLE events ADD COLUMN request_id TEXT;
ALTER TABLE outbox ADD COLUMN request_id TEXT;

-- Failed mails are few: counting them (metrics, /readyz) must not read the whole outbox.
CREATE INDEX outbox_failed ON outbox (id) WHERE status = 'failed';
