"""Each learner's vocabulary notebook: one row per word, whichever way it came in.

A word arrives from ``/define`` in a room (the agent), the dictionary panel or a word
tapped in chat or captions (the API). The same word again is not a second row: the row
counts it (``times_seen``) and keeps the first sentence it came with. Rows are private to
their owner: every read and change names the owner, and another person's row is simply
not found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from db import review
from db.conn import Conn, Row
from db.room_ref import RoomRef
from db.rows import Source, run
from db.times import from_db, to_db
from db.vocabulary import Lookup, record_lookup

SOURCES = ("define", "lookup", "tap")
SORTS = {
    # name: ORDER BY for newest/hardest/most frequent first ("desc") and "asc" reversed
    "date": ("added_at", "id"),
    "level": ("level_rank", "word"),
    "frequency": ("frequency", "word"),
    "word": ("word", "id"),
}
_USER_IDENTITY = re.compile(r"^user-(\d{1,18})$")


@dataclass(frozen=True, slots=True)
class WordFacts:
    """What the dictionary and the level rules say about a word, and where it was met."""

    word: str  # dictionary headword, lower case
    query: str
    level: str
    level_rank: int
    frequency: int  # Zipf x 100
    ipa: str | None
    definition: str
    example: str | None
    occurrence_id: int | None
    source: str


@dataclass(frozen=True, slots=True)
class NotebookWord:
    id: int
    facts: WordFacts
    starred: bool
    note: str
    times_seen: int
    added_at: datetime
    last_seen_at: datetime

    def as_json(self) -> dict[str, Any]:
        f = self.facts
        return {
            "id": self.id,
            "word": f.word,
            "query": f.query,
            "level": f.level,
            "zipf": f.frequency / 100,
            "ipa": f.ipa,
            "definition": f.definition,
            "example": f.example,
            "occurrence_id": f.occurrence_id,
            "source": f.source,
            "starred": self.starred,
            "note": self.note,
            "times_seen": self.times_seen,
            "added_at": to_db(self.added_at),
            "last_seen_at": to_db(self.last_seen_at),
        }


_COLUMNS = (
    "id, word, query, level, level_rank, frequency, ipa, definition, example, occurrence_id,"
    " source, starred, note, times_seen, added_at, last_seen_at"
)


def _word(row: Row) -> NotebookWord:
    facts = WordFacts(
        row["word"],
        row["query"],
        row["level"],
        int(row["level_rank"]),
        int(row["frequency"]),
        row["ipa"],
        row["definition"],
        row["example"],
        row["occurrence_id"],
        row["source"],
    )
    return NotebookWord(
        int(row["id"]),
        facts,
        bool(row["starred"]),
        row["note"],
        int(row["times_seen"]),
        from_db(row["added_at"]),
        from_db(row["last_seen_at"]),
    )


def user_of_identity(conn: Conn, identity: str) -> int | None:
    """The account behind a room identity (``user-12``); None for a guest or a stranger."""
    match = _USER_IDENTITY.match(identity)
    if match is None:
        return None
    found = conn.value("SELECT id FROM users WHERE id = :id", id=int(match[1]))
    return None if found is None else int(found)


def save(conn: Conn, user_id: int, facts: WordFacts, now: datetime) -> tuple[NotebookWord, bool]:
    """Keep the word for ``user_id``; (the row, True) when it is new to their notebook."""
    existed = conn.value(
        "SELECT id FROM notebook_words WHERE user_id = :user AND word = :word",
        user=user_id,
        word=facts.word,
    )
    stamp = to_db(now)
    row = conn.one(
        "INSERT INTO notebook_words (user_id, word, query, level, level_rank, frequency, ipa,"
        " definition, example, occurrence_id, source, added_at, last_seen_at)"
        " VALUES (:user, :word, :query, :level, :rank, :frequency, :ipa, :definition, :example,"
        " :occurrence, :source, :now, :now)"
        " ON CONFLICT (user_id, word) DO UPDATE SET times_seen = notebook_words.times_seen + 1,"
        " last_seen_at = excluded.last_seen_at,"
        " example = COALESCE(notebook_words.example, excluded.example),"
        " occurrence_id = COALESCE(notebook_words.occurrence_id, excluded.occurrence_id)"
        f" RETURNING {_COLUMNS}",
        user=user_id,
        word=facts.word,
        query=facts.query,
        level=facts.level,
        rank=facts.level_rank,
        frequency=facts.frequency,
        ipa=facts.ipa,
        definition=facts.definition,
        example=facts.example,
        occurrence=facts.occurrence_id,
        source=facts.source,
        now=stamp,
    )
    assert row is not None
    return _word(row), existed is None


def save_define(
    conn: Conn, room: RoomRef, identity: str, lookup: Lookup, facts: WordFacts, now: datetime
) -> bool:
    """A ``/define`` in a room: the lookup record, and the word in the asker's notebook when
    they have an account. False if this message was recorded already (nothing changes)."""
    if not record_lookup(conn, room, identity, lookup):
        return False
    user_id = user_of_identity(conn, identity)
    if user_id is not None:
        save(conn, user_id, facts, now)
    return True


def save_lookup(
    conn: Conn,
    user_id: int,
    facts: WordFacts,
    room: RoomRef | None,
    identity: str,
    lookup: Lookup,
    now: datetime,
) -> tuple[NotebookWord, bool]:
    """A word looked up or tapped in the page: kept, and when it was in a room also logged
    with the room's lookups (so that session's recap has it, even for a word the notebook
    had from an earlier session)."""
    if room is not None:
        record_lookup(conn, room, identity, lookup)
    return save(conn, user_id, facts, now)


def _page(
    conn: Conn,
    user_id: int,
    search: str,
    sort: str,
    descending: bool,
    starred_only: bool,
    limit: int,
    offset: int,
) -> tuple[int, list[NotebookWord]]:
    where = "user_id = :user"
    params: dict[str, Any] = {"user": user_id, "limit": limit, "offset": offset}
    if search:
        escaped = search.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        where += (
            " AND (word LIKE :pattern ESCAPE '\\' OR LOWER(definition) LIKE :pattern ESCAPE '\\'"
            " OR LOWER(note) LIKE :pattern ESCAPE '\\')"
        )
        params["pattern"] = f"%{escaped}%"
    if starred_only:
        where += " AND starred = 1"
    first, second = SORTS[sort]
    direction = "DESC" if descending else "ASC"
    total = int(conn.value(f"SELECT COUNT(*) AS n FROM notebook_words WHERE {where}", params))
    rows = conn.all(
        f"SELECT {_COLUMNS} FROM notebook_words WHERE {where}"
        f" ORDER BY {first} {direction}, {second} {direction} LIMIT :limit OFFSET :offset",
        params,
    )
    return total, [_word(r) for r in rows]


async def page(
    source: Source,
    user_id: int,
    *,
    search: str = "",
    sort: str = "date",
    descending: bool = True,
    starred_only: bool = False,
    limit: int = 100,
    offset: int = 0,
) -> tuple[int, list[NotebookWord]]:
    """(how many match, one page of them) of ``user_id``'s notebook."""
    return await run(source, _page, user_id, search, sort, descending, starred_only, limit, offset)


def _all_words(conn: Conn, user_id: int) -> list[NotebookWord]:
    rows = conn.all(
        f"SELECT {_COLUMNS} FROM notebook_words WHERE user_id = :user ORDER BY word",
        user=user_id,
    )
    return [_word(r) for r in rows]


async def all_words(source: Source, user_id: int) -> list[NotebookWord]:
    return await run(source, _all_words, user_id)


def load(conn: Conn, user_id: int, word_id: int) -> NotebookWord | None:
    row = conn.one(
        f"SELECT {_COLUMNS} FROM notebook_words WHERE id = :id AND user_id = :user",
        id=word_id,
        user=user_id,
    )
    return None if row is None else _word(row)


def change(
    conn: Conn,
    user_id: int,
    word_id: int,
    starred: bool | None,
    note: str | None,
    now: datetime,
) -> NotebookWord | None:
    """Star, unstar or annotate the owner's word; None when it is not theirs (or gone).
    A star makes the word a review card (unstarring keeps the card and its history)."""
    found = load(conn, user_id, word_id)
    if found is None:
        return None
    conn.run(
        "UPDATE notebook_words SET starred = COALESCE(:starred, starred),"
        " note = COALESCE(:note, note) WHERE id = :id",
        starred=None if starred is None else int(starred),
        note=note,
        id=word_id,
    )
    if starred:
        f = found.facts
        review.add_card(conn, user_id, review.CardFacts.of(f), review.STAR, now)
    return load(conn, user_id, word_id)


def remove(conn: Conn, user_id: int, word_id: int) -> bool:
    """Take a word out of the owner's notebook; False when it is not theirs."""
    return (
        conn.run(
            "DELETE FROM notebook_words WHERE id = :id AND user_id = :user",
            id=word_id,
            user=user_id,
        )
        == 1
    )
