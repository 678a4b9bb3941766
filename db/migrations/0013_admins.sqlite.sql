-- Administrators (issue 20): a role held beside facilitator or participant, not a third
-- value of users.role. An admin may also run sessions or take part in them, and SQLite
-- cannot change the CHECK on users.role without rebuilding users, which every other table
-- references. Granted and taken with `python -m api admin role`.
CREATE TABLE admins (
    user_id     INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    granted_at  TEXT NOT NULL
);
