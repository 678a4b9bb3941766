-- Accounts as a careful service (issue 21, item 5): links mailed to prove an address
-- (verification) or to set a new password (reset), single use and expiring; only their
-- SHA-256 is kept. Accounts made before this migration count as verified (they were
-- made when no check existed; locking them out of booking would help nobody).
ALTER TABLE users ADD COLUMN email_verified_at TEXT;
UPDATE users SET email_verified_at = created_at;
-- Shown in one's list of sign-ins (GET /api/me/sign-ins), to tell them apart.
ALTER TABLE auth_tokens ADD COLUMN user_agent TEXT;
CREATE TABLE account_tokens (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    purpose     TEXT NOT NULL CHECK (purpose IN ('verify_email', 'password_reset')),
    token_hash  TEXT NOT NULL UNIQUE,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    used_at     TEXT
);
CREATE INDEX account_tokens_user ON account_tokens (user_id, purpose);
-- COLEARN_FACILITATOR_SIGNUP=approval: who registered asking to be a facilitator, until an
-- admin grants it (`python -m api admin users --role requested`, then `role grant`).
CREATE TABLE facilitator_requests (
    user_id       INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    requested_at  TEXT NOT NULL
);
