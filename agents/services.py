"""What one worker process holds for all its rooms: the database, the dictionary and the
re-dispatcher. Opened when the worker starts, closed after its last room has ended."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence

from agents import registration
from agents.config import AgentConfig
from agents.redispatch import Redispatcher, this_worker_id
from agents.store import WorkerStore
from dictionary import Dictionary, DictionaryMissing

log = logging.getLogger("colearn.agent")


class WorkerServices:
    def __init__(self, config: AgentConfig) -> None:
        self.config = config
        # Names this process in the database's record of who holds which room.
        self.worker_id = this_worker_id()
        self._store: WorkerStore | None = None
        self.words: Dictionary | None = None
        self._registered = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @property
    def store(self) -> WorkerStore:
        if self._store is None:
            raise RuntimeError("the worker's services have not been started")
        return self._store

    def start(self, running_jobs: Callable[[], Sequence[str]]) -> None:
        """Open everything (on the worker's loop, before its first room)."""
        self._store = WorkerStore.open(self.config.db_url)
        try:
            self.words = Dictionary.open(self.config.dictionary_path)
        except DictionaryMissing as exc:
            # Chat, history and presence matter more than /define: run without it.
            log.error("/define is unavailable: %s", exc)
        self._task = asyncio.create_task(self._run(running_jobs), name="colearn-services")

    def registered(self) -> None:
        """livekit-server knows this worker: re-dispatched rooms can come here now."""
        self._registered.set()

    async def _run(self, running_jobs: Callable[[], Sequence[str]]) -> None:
        # livekit-agents cancels every task of the worker's loop last, after the rooms' jobs
        # have shut down; that is when the store may close.
        try:
            await self._registered.wait()
            beat = asyncio.create_task(
                registration.report(self.store, self.worker_id, lambda: len(running_jobs()))
            )
            try:
                await Redispatcher(self.store, self.config.livekit, running_jobs).run()
            finally:
                beat.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await beat
        finally:
            await asyncio.to_thread(self.store.close)
            if self.words is not None:
                self.words.close()
