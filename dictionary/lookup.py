"""``Dictionary``: open a built file once, then look words up from any thread.

Each thread gets its own read-only SQLite connection on first use (sqlite3 connections must
not be shared between threads while in use); those of ended threads are closed when the next
thread connects, and ``close()``, once lookups have finished, closes the rest. A lookup is a few
indexed reads, so calling it straight from an asyncio event loop is fine.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import weakref
from pathlib import Path
from types import TracebackType

from dictionary import store
from dictionary.config import SETUP_HINT, DictionaryMissing, db_path
from dictionary.frequency import frequency_for
from dictionary.grammar import is_grammar_word
from dictionary.model import CrossReference, Entry, Invalid, LookupResult, NotFound
from dictionary.schema import SCHEMA_VERSION
from dictionary.spelling import query_keys, rank
from dictionary.text import CleanQuery, clean_query


class Dictionary:
    def __init__(self, path: Path, meta: dict[str, str]) -> None:
        self.path = path
        self.meta = meta
        self._local = threading.local()
        # thread id -> (the thread, its connection), to close connections of ended threads
        self._connections: dict[int, tuple[weakref.ref[threading.Thread], sqlite3.Connection]] = {}
        self._lock = threading.Lock()
        self._closed = False

    @classmethod
    def open(cls, path: str | os.PathLike[str] | None = None) -> Dictionary:
        """Open the file at ``path``, else $COLEARN_DICTIONARY_DB, else var/dictionary.sqlite."""
        resolved = db_path(path)
        if not resolved.is_file():
            raise DictionaryMissing(f"Dictionary file {resolved} is missing: {SETUP_HINT}.")
        connection = store.connect(resolved)
        try:
            meta = store.read_meta(connection)
        except sqlite3.DatabaseError as error:
            connection.close()
            raise DictionaryMissing(
                f"{resolved} is not a dictionary file ({error}): {SETUP_HINT}."
            ) from error
        if meta.get("schema_version") != SCHEMA_VERSION:
            connection.close()
            raise DictionaryMissing(f"{resolved} was built by another version: {SETUP_HINT}.")
        dictionary = cls(resolved, meta)
        dictionary._adopt(connection)
        return dictionary

    def lookup(self, query: str) -> LookupResult:
        cleaned = clean_query(query)
        if isinstance(cleaned, Invalid):
            return cleaned
        db = self._connection()
        main_key = cleaned.keys[0]
        if is_grammar_word(main_key):
            return self._grammar_word(db, cleaned)
        for key in cleaned.keys:
            matches = store.find_forms(db, key)
            if matches:
                return self._entry(db, cleaned, key, matches)
        candidates = store.spelling_candidates(db, query_keys(main_key))
        return NotFound(cleaned.text, tuple(rank(main_key, candidates)))

    def close(self) -> None:
        with self._lock:
            self._closed = True
            for _, connection in self._connections.values():
                connection.close()
            self._connections.clear()

    def __enter__(self) -> Dictionary:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _connection(self) -> sqlite3.Connection:
        if self._closed:
            raise RuntimeError("the dictionary is closed")
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is None:
            connection = store.connect(self.path)
            self._adopt(connection)
        return connection

    def _adopt(self, connection: sqlite3.Connection) -> None:
        with self._lock:
            if self._closed:
                connection.close()
                raise RuntimeError("the dictionary is closed")
            self._close_ended_threads()
            thread = threading.current_thread()
            self._connections[thread.ident or 0] = (weakref.ref(thread), connection)
        self._local.connection = connection

    def _close_ended_threads(self) -> None:
        # Executors start and retire threads; their connections must not pile up.
        for ident, (thread_ref, connection) in list(self._connections.items()):
            thread = thread_ref()
            if thread is None or not thread.is_alive():
                connection.close()
                del self._connections[ident]

    @classmethod
    def _grammar_word(cls, db: sqlite3.Connection, cleaned: CleanQuery) -> LookupResult:
        # Written exactly as WordNet writes a name or abbreviation ("WHO", "May"), the query
        # asks for that; a lone "I" is still the pronoun.
        if len(cleaned.text) > 1 and cleaned.text != cleaned.text.lower():
            matches = store.find_forms(db, cleaned.keys[0])
            if matches and matches[0].text == cleaned.text:
                return cls._entry(db, cleaned, cleaned.keys[0], matches)
        return NotFound(cleaned.text, (), grammar_word=True)

    @staticmethod
    def _entry(
        db: sqlite3.Connection, cleaned: CleanQuery, key: str, matches: list[store.FormMatch]
    ) -> Entry:
        main = matches[0]
        senses = store.senses(db, main.headword_id, main.key)
        if main.pos:
            # Of "went", the verb go matters, not the board game.
            senses.sort(key=lambda sense: sense.pos != main.pos)
        see_also = []
        for other in matches[1:]:
            first = store.senses(db, other.headword_id, other.key, limit=1)
            if first:
                see_also.append(
                    CrossReference(other.text, other.note, first[0].pos, first[0].definition)
                )
        same_word = key == main.key
        return Entry(
            query=cleaned.text,
            headword=main.text,
            inflection=main.note or None,
            senses=tuple(senses),
            ipa=main.ipa,
            query_ipa=None if same_word or " " in key else store.pronunciation(db, key),
            frequency=frequency_for(main.zipf),
            related=store.related(main),
            see_also=tuple(see_also),
        )
