"""``/define word``: the dictionary's short answer, and the word kept for the asker's notebook."""

from __future__ import annotations

import asyncio
import logging
import time

from agents import replies, vocabulary
from agents.store import WorkerStore
from colearn.metrics import observe_lookup
from db.chat import StoredMessage
from db.room_ref import RoomRef
from dictionary import Dictionary, Entry, format_for_chat

log = logging.getLogger("colearn.agent.define")


class Define:
    def __init__(self, words: Dictionary | None, store: WorkerStore, room: RoomRef) -> None:
        self._words = words
        self._store = store
        self._room = room
        self._tasks: set[asyncio.Task[None]] = set()

    async def __call__(self, asked: StoredMessage, query: str) -> str:
        if self._words is None:
            return replies.DICTIONARY_MISSING
        # A lookup is a few indexed reads (well under a millisecond): no thread hop needed.
        started = time.perf_counter()
        result = self._words.lookup(query)
        observe_lookup("chat", result, started)
        if isinstance(result, Entry):
            # Off the reply's path: the asker should not wait for the notebook.
            task = asyncio.create_task(self._keep(asked, result))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return format_for_chat(result)

    async def _keep(self, asked: StoredMessage, entry: Entry) -> None:
        try:
            await vocabulary.record(self._store, self._room, asked, entry)
        except Exception as exc:
            log.error(
                "could not record a lookup by %s in %s: %s",
                asked.sender_identity,
                self._room.name,
                exc,
            )

    async def aclose(self) -> None:
        await asyncio.gather(*self._tasks, return_exceptions=True)
