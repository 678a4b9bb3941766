-- The learner's vocabulary notebook, session recaps and spaced-repetition review (issue 18).
-- Times are UTC ISO-8601 text; levels are CEFR ('A1'..'C2') with level_rank 1..6 for sorting.

-- What a learner set for themselves: their CEFR level ('' = not set: the session's level is
-- used) and whether recaps are mailed to them.
CREATE TABLE learner_settings (
    user_id       INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    level         TEXT NOT NULL DEFAULT ''
                  CHECK (level IN ('', 'A1', 'A2', 'B1', 'B2', 'C1', 'C2')),
    recap_emails  INTEGER NOT NULL DEFAULT 1 CHECK (recap_emails IN (0, 1)),
    updated_at    TEXT NOT NULL
);

-- One row per word per learner: looked up with /define, in the dictionary panel, or tapped.
CREATE TABLE notebook_words (
    id             INTEGER PRIMARY KEY,
    user_id        INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    word           TEXT NOT NULL,                  -- the dictionary headword, lower case
    query          TEXT NOT NULL,                  -- as the learner asked or tapped it
    level          TEXT NOT NULL CHECK (level IN ('A1', 'A2', 'B1', 'B2', 'C1', 'C2')),
    level_rank     INTEGER NOT NULL CHECK (level_rank BETWEEN 1 AND 6),
    frequency      INTEGER NOT NULL DEFAULT 0,     -- wordfreq Zipf x 100 (0: unknown)
    ipa            TEXT,
    definition     TEXT NOT NULL DEFAULT '',
    example        TEXT,                           -- the sentence it came from
    occurrence_id  INTEGER REFERENCES occurrences(id) ON DELETE SET NULL,
    source         TEXT NOT NULL CHECK (source IN ('define', 'lookup', 'tap')),
    starred        INTEGER NOT NULL DEFAULT 0 CHECK (starred IN (0, 1)),
    note           TEXT NOT NULL DEFAULT '',
    times_seen     INTEGER NOT NULL DEFAULT 1,
    added_at       TEXT NOT NULL,
    last_seen_at   TEXT NOT NULL,
    UNIQUE (user_id, word)
);
CREATE INDEX notebook_words_added ON notebook_words (user_id, added_at);
CREATE INDEX notebook_words_level ON notebook_words (user_id, level_rank);
CREATE INDEX notebook_words_occurrence ON notebook_words (occurrence_id, user_id);

-- An occurrence whose recaps were built (once: the row is written in the same transaction).
CREATE TABLE recap_runs (
    occurrence_id  INTEGER PRIMARY KEY REFERENCES occurrences(id) ON DELETE CASCADE,
    built_at       TEXT NOT NULL,
    recaps         INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE recaps (
    id             INTEGER PRIMARY KEY,
    occurrence_id  INTEGER NOT NULL REFERENCES occurrences(id) ON DELETE CASCADE,
    user_id        INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role           TEXT NOT NULL CHECK (role IN ('learner', 'facilitator')),
    body           TEXT NOT NULL,                  -- JSON, as the API returns it
    built_at       TEXT NOT NULL,
    UNIQUE (occurrence_id, user_id)
);
CREATE INDEX recaps_user ON recaps (user_id, id);

-- FSRS cards: recap words and starred words. fsrs is the card's state as fsrs.Card.to_json.
CREATE TABLE review_cards (
    id             INTEGER PRIMARY KEY,
    user_id        INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    word           TEXT NOT NULL,
    ipa            TEXT,
    definition     TEXT NOT NULL DEFAULT '',
    example        TEXT,
    level          TEXT NOT NULL,
    origin         TEXT NOT NULL CHECK (origin IN ('recap', 'star')),
    occurrence_id  INTEGER REFERENCES occurrences(id) ON DELETE SET NULL,
    fsrs           TEXT NOT NULL,
    due            TEXT NOT NULL,
    reviews        INTEGER NOT NULL DEFAULT 0,
    created_at     TEXT NOT NULL,
    UNIQUE (user_id, word)
);
CREATE INDEX review_cards_due ON review_cards (user_id, due);

-- The recap job looks for occurrences that ended lately.
CREATE INDEX occurrences_ends_at ON occurrences (ends_at);
