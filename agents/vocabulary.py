"""Record a looked-up word for the asker's vocabulary notebook, with the sentence it came from.

The context is the latest chat sentence in the room, before the /define, that uses the word
as asked (or its dictionary form): usually what made the learner ask.
"""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime

from agents.store import WorkerStore
from db.chat import StoredMessage, containing
from db.notebook import save_define
from db.room_ref import RoomRef
from db.vocabulary import Lookup
from dictionary.model import Entry
from vocab.facts import word_facts

MAX_CONTEXT_CHARS = 300
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")


async def record(store: WorkerStore, room: RoomRef, asked: StoredMessage, entry: Entry) -> None:
    """The lookup, and the word in the asker's notebook (with its level, IPA, definition)."""
    query, headword = entry.query, entry.headword
    context = await _context(store, room, asked.id, [query, headword])
    now = datetime.now(UTC)
    lookup = Lookup(query, headword, context, asked.message_id, now)
    # in a thread: the first call loads cefrpy's word list (a fraction of a second), which
    # must not stall the room's event loop (chat, captions)
    facts = await asyncio.to_thread(
        word_facts, entry, example=context, occurrence_id=room.occurrence_id, source="define"
    )
    await asyncio.wrap_future(
        store.write(save_define, room, asked.sender_identity, lookup, facts, now)
    )


async def _context(
    store: WorkerStore, room: RoomRef, before_id: int, words: list[str]
) -> str | None:
    for word in dict.fromkeys(words):
        bodies = await store.read(containing, room.name, word, before_id)
        for body in bodies:
            if (sentence := sentence_with(body, word)) is not None:
                return sentence
    return None


def sentence_with(text: str, word: str) -> str | None:
    """The first sentence of ``text`` that has ``word`` as a whole word (any case)."""
    pattern = re.compile(rf"(?<!\w){re.escape(word)}(?!\w)", re.IGNORECASE)
    for sentence in _SENTENCE_END.split(text):
        if pattern.search(sentence):
            sentence = sentence.strip()
            if len(sentence) > MAX_CONTEXT_CHARS:
                sentence = sentence[: MAX_CONTEXT_CHARS - 1] + "\u2026"
            return sentence
    return None
