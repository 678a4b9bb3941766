"""Layout of the dictionary file. It is written once by the build and only read afterwards.

Bump SCHEMA_VERSION when the layout or the meaning of a column changes: the build then
rebuilds and ``Dictionary.open`` refuses a file made for another version.
"""

from __future__ import annotations

SCHEMA_VERSION = "1"

DDL = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;

-- One row per WordNet synset (and per supplementary idiom sense).
CREATE TABLE synset (
    id INTEGER PRIMARY KEY,
    pos TEXT NOT NULL,              -- noun, verb, adjective, adverb
    definition TEXT NOT NULL,
    examples TEXT NOT NULL,         -- JSON list of strings
    words TEXT NOT NULL             -- JSON list of the synset's words, as written
);

CREATE TABLE headword (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,       -- text.headword_key of the word
    text TEXT NOT NULL,             -- display spelling ("Paris", "look up")
    zipf REAL,                      -- NULL for phrases
    ipa TEXT,                       -- General American, without slashes
    related TEXT NOT NULL           -- JSON {"antonyms": [...], "broader": [...], "derived": [...]}
);

-- Senses of a headword in display order: parts of speech by how often they are used,
-- then WordNet's own order within each (most frequent first).
CREATE TABLE sense (
    headword_id INTEGER NOT NULL REFERENCES headword (id),
    position INTEGER NOT NULL,
    synset_id INTEGER NOT NULL REFERENCES synset (id),
    PRIMARY KEY (headword_id, position)
) WITHOUT ROWID;

-- Every spelling a query may arrive in -> the headwords it can mean. rank 0 is the entry
-- shown; higher ranks are shown as "see also".
CREATE TABLE form (
    key TEXT NOT NULL,
    rank INTEGER NOT NULL,
    headword_id INTEGER NOT NULL REFERENCES headword (id),
    note TEXT NOT NULL,             -- "past tense" etc.; "" when the key is the headword
    pos TEXT NOT NULL,              -- part of speech the note applies to; "" for the headword
    PRIMARY KEY (key, rank)
) WITHOUT ROWID;

-- IPA of single words that are forms but not headwords ("went").
CREATE TABLE pronunciation (word TEXT PRIMARY KEY, ipa TEXT NOT NULL) WITHOUT ROWID;

-- Spelling suggestions: see spelling.py.
CREATE TABLE spell_word (
    id INTEGER PRIMARY KEY,
    text TEXT NOT NULL,             -- the key that is looked up when the suggestion is taken
    display TEXT NOT NULL,          -- how to show it ("Paris")
    zipf REAL NOT NULL
);
CREATE TABLE spell_key (
    key TEXT NOT NULL,
    word_id INTEGER NOT NULL REFERENCES spell_word (id),
    PRIMARY KEY (key, word_id)
) WITHOUT ROWID;
"""
