-- When the facilitator ended an occurrence's meeting for everyone ("End meeting for all"),
-- NULL while it was not: its room then gives out no more tokens, though the scheduled end
-- (ends_at) is later.
ALTER TABLE occurrences ADD COLUMN ended_at TEXT;
