"""The recap job: run by every mail worker's round, so it survives restarts and needs no
process of its own. Each round asks which occurrences are due (one indexed query); for each
it reads the material, builds the recaps in a thread (CPU, a second or so for a long
session) and keeps them in one unit of work that claims the occurrence first, so however
many workers run, each occurrence is recapped once (``db.recaps.keep``).
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import datetime

from db import Database, recaps
from dictionary import Dictionary
from dictionary.config import DictionaryMissing
from vocab.recap_build import Lexicon, build

log = logging.getLogger("colearn.recaps")
# how often a worker asks whether recaps are due (the mail round runs every second or so):
# the promise is two minutes, and every API process runs a mail worker
CHECK_EVERY_S = 5.0


class RecapJob:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._dictionary: Dictionary | None = None
        self._lexicon: Lexicon | None = None
        self._failed: set[int] = set()  # not tried again by this process (logged once)
        self._checked = float("-inf")  # time.monotonic() of the last look

    def _words(self) -> Lexicon:
        if self._lexicon is None:
            try:
                self._dictionary = Dictionary.open()
            except DictionaryMissing as exc:
                log.warning("recaps without definitions: %s", exc)
            self._lexicon = Lexicon(self._dictionary)
        return self._lexicon

    async def round(self, now: datetime) -> int:
        """Build what is due; how many occurrences were recapped."""
        if time.monotonic() - self._checked < CHECK_EVERY_S:
            return 0
        self._checked = time.monotonic()
        done = 0
        for occurrence_id in await recaps.due(self.db, now, limit=10 + len(self._failed)):
            if occurrence_id in self._failed:
                continue
            try:
                await self.recap(occurrence_id, now)
            except Exception:  # one bad occurrence must not hold up the mail round
                log.exception("could not recap occurrence %s", occurrence_id)
                self._failed.add(occurrence_id)
                continue
            done += 1
        return done

    async def recap(self, occurrence_id: int, now: datetime) -> bool:
        material = await recaps.material(self.db, occurrence_id)
        if material is None:
            return False
        built = await asyncio.to_thread(build, material, self._words())
        kept = await self.db.write(recaps.keep, occurrence_id, material.session_id, built, now)
        log.info(
            "recaps of occurrence %s: %d (%s)",
            occurrence_id,
            len(built),
            "kept" if kept else "already kept",
        )
        return kept

    def close(self) -> None:
        if self._dictionary is not None:
            self._dictionary.close()
            self._dictionary = None
        self._lexicon = None
