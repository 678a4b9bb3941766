"""Read-only queries against a built dictionary file. The only module that reads its SQL."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from dictionary.model import POS_NAMES, PartOfSpeech, Related, Sense
from dictionary.spelling import Candidate

_POS_BY_NAME: dict[str, PartOfSpeech] = {name: name for name in POS_NAMES.values()}


@dataclass(frozen=True, slots=True)
class FormMatch:
    headword_id: int
    key: str
    text: str
    zipf: float | None
    ipa: str | None
    related: str  # JSON, decoded only for the entry that is shown
    note: str
    pos: PartOfSpeech | None


def connect(path: Path) -> sqlite3.Connection:
    # immutable=1: the file never changes after the build (a rebuild renames a new file into
    # place), so SQLite may skip locking; check_same_thread=False only lets close() run from
    # another thread - each connection is still used by one thread at a time.
    return sqlite3.connect(
        f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True, check_same_thread=False
    )


def read_meta(db: sqlite3.Connection) -> dict[str, str]:
    return dict(db.execute("SELECT key, value FROM meta").fetchall())


def find_forms(db: sqlite3.Connection, key: str) -> list[FormMatch]:
    rows = db.execute(
        "SELECT h.id, h.key, h.text, h.zipf, h.ipa, h.related, f.note, f.pos"
        " FROM form f JOIN headword h ON h.id = f.headword_id"
        " WHERE f.key = ? ORDER BY f.rank",
        (key,),
    ).fetchall()
    return [
        FormMatch(headword_id, key, text, zipf, ipa, related_json, note, _pos(pos))
        for headword_id, key, text, zipf, ipa, related_json, note, pos in rows
    ]


def senses(
    db: sqlite3.Connection, headword_id: int, headword_key: str, limit: int = -1
) -> list[Sense]:
    rows = db.execute(
        "SELECT y.pos, y.definition, y.examples, y.words"
        " FROM sense s JOIN synset y ON y.id = s.synset_id"
        " WHERE s.headword_id = ? ORDER BY s.position LIMIT ?",
        (headword_id, limit),
    ).fetchall()
    return [
        Sense(
            pos,
            definition,
            tuple(json.loads(examples)),
            tuple(w for w in json.loads(words) if w.lower() != headword_key),
        )
        for pos, definition, examples, words in rows
    ]


def related(match: FormMatch) -> Related:
    lists = json.loads(match.related)
    return Related(tuple(lists["antonyms"]), tuple(lists["broader"]), tuple(lists["derived"]))


def pronunciation(db: sqlite3.Connection, word: str) -> str | None:
    row = db.execute(
        "SELECT ipa FROM pronunciation WHERE word = ?"
        " UNION ALL SELECT ipa FROM headword WHERE key = ? AND ipa IS NOT NULL LIMIT 1",
        (word, word),
    ).fetchone()
    return row[0] if row else None


def spelling_candidates(db: sqlite3.Connection, keys: Collection[str]) -> list[Candidate]:
    placeholders = ",".join("?" * len(keys))
    rows = db.execute(
        "SELECT DISTINCT w.text, w.display, w.zipf FROM spell_key k"
        f" JOIN spell_word w ON w.id = k.word_id WHERE k.key IN ({placeholders})",
        tuple(keys),
    ).fetchall()
    return [Candidate(*row) for row in rows]


def _pos(name: str) -> PartOfSpeech | None:
    return _POS_BY_NAME.get(name)
