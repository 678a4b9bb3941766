"""One transcription thread for every room of a worker: finals first, together, in batches.

Whatever arrives while a batch runs is transcribed in the next one, so eight people who stop
talking at about the same moment cost one Whisper call, not eight in a row. Finals go before
interims; an interim is dropped when a newer one of the same utterance, or its final,
arrives, or when it has waited ``INTERIM_STALE_S`` (the oldest go first), and interims run
only while Whisper has time to spare (``INTERIM_BUDGET``). A final is never
dropped silently: one that waited longer than ``max_lag`` is logged and counted in
``stats.finals_dropped``, and while finals wait longer than ``BEHIND_WARN_S`` a warning says
how far behind captions are (at most once every ``WARN_EVERY_S``).
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field

import numpy as np

from agents.captions.engines import SAMPLE_RATE, Transcriber
from agents.captions.stats import CaptionStats

log = logging.getLogger("colearn.agent.captions")

INTERIM_STALE_S = 1.5
# Interims run only while the transcriber has been busy less than this share of the last
# few seconds, a few at a time: a final never waits behind a long interim batch, and when
# Whisper falls behind interims are what goes (measured: docs/captions.md).
INTERIM_BUDGET = 0.5
INTERIM_WINDOW_S = 3.0
INTERIM_BATCH = 4
BEHIND_WARN_S = 1.5
WARN_EVERY_S = 10.0
_tickets = itertools.count()


@dataclass
class Request:
    audio: np.ndarray
    language: str
    final: bool
    key: str
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[str | None]
    queued_at: float = field(default_factory=time.monotonic)
    ticket: int = field(default_factory=lambda: next(_tickets))

    def resolve(self, text: str | None, error: BaseException | None = None) -> None:
        def _set() -> None:
            if self.future.done():
                return
            if error is not None:
                self.future.set_exception(error)
            else:
                self.future.set_result(text)

        # the room may have ended meanwhile, its loop with it: nobody is waiting then
        with suppress(RuntimeError):
            self.loop.call_soon_threadsafe(_set)


class BatchScheduler:
    def __init__(
        self,
        transcriber: Transcriber,
        *,
        max_batch: int,
        max_lag: float,
        stats: CaptionStats,
        on_final_dropped: Callable[[], object] = lambda: None,
    ) -> None:
        self._transcriber = transcriber
        self._on_final_dropped = on_final_dropped
        self._max_batch = max_batch
        self._max_lag = max_lag
        self._stats = stats
        self._cond = threading.Condition()
        self._finals: deque[Request] = deque()
        self._interims: OrderedDict[str, Request] = OrderedDict()
        self._closed = False
        self._warned_at = 0.0
        self._thread = threading.Thread(target=self._run, name="whisper-batch", daemon=True)
        self._thread.start()

    @property
    def backlog(self) -> int:
        with self._cond:
            return len(self._finals)

    def submit(self, request: Request) -> None:
        with self._cond:
            if self._closed:
                request.resolve(None)
                return
            # the newest word on an utterance makes its older interim worthless
            older = self._interims.pop(request.key, None)
            if older is not None:
                self._drop(older)
            if request.final:
                self._finals.append(request)
                self._stats.waiting(request.ticket, request.queued_at)
            else:
                self._interims[request.key] = request
            self._cond.notify()

    def close(self) -> None:
        with self._cond:
            self._closed = True
            pending = list(self._finals) + list(self._interims.values())
            self._finals.clear()
            self._interims.clear()
            self._cond.notify()
        for request in pending:
            self._stats.started(request.ticket)
            request.resolve(None)

    def _drop(self, request: Request) -> None:
        self._stats.dropped(final=request.final)
        self._stats.started(request.ticket)
        request.resolve(None)

    def _take(self) -> list[Request]:
        with self._cond:
            while not self._closed and not self._finals and not self._interims:
                self._cond.wait()
            if not self._finals and self._interims and not self._spare():
                self._cond.wait(0.1)  # a final may come; stale interims go below
            now = time.monotonic()
            while self._finals and now - self._finals[0].queued_at > self._max_lag:
                late = self._finals.popleft()
                self._drop(late)
                self._on_final_dropped()
                log.warning(
                    "captions are behind: dropped a %.1f s utterance that waited %.1f s "
                    "(limit %.1f s, %d dropped so far)",
                    len(late.audio) / SAMPLE_RATE,
                    now - late.queued_at,
                    self._max_lag,
                    self._stats.finals_dropped,
                )
            self._warn_if_behind(now)
            stale = [k for k, r in self._interims.items() if now - r.queued_at > INTERIM_STALE_S]
            for key in stale:
                self._drop(self._interims.pop(key))
            batch: list[Request] = []
            while self._finals and len(batch) < self._max_batch:
                batch.append(self._finals.popleft())
            if not batch and self._spare():
                while self._interims and len(batch) < min(INTERIM_BATCH, self._max_batch):
                    batch.append(self._interims.popitem(last=True)[1])  # newest first
            for request in batch:
                self._stats.started(request.ticket)
            return batch

    def _spare(self) -> bool:
        return self._stats.busy_fraction(window=INTERIM_WINDOW_S) < INTERIM_BUDGET

    def _warn_if_behind(self, now: float) -> None:
        if not self._finals or now - self._warned_at < WARN_EVERY_S:
            return
        behind = now - self._finals[0].queued_at
        if behind > BEHIND_WARN_S:
            self._warned_at = now
            log.warning(
                "captions are %.1f s behind: %d final(s) and %d interim(s) waiting, "
                "%d final(s) and %d interim(s) dropped so far",
                behind,
                len(self._finals),
                len(self._interims),
                self._stats.finals_dropped,
                self._stats.interims_dropped,
            )

    def _run(self) -> None:
        while True:
            batch = self._take()
            if not batch:
                if self._closed:
                    return
                continue
            started = time.monotonic()
            try:
                texts = self._transcribe(batch)
            except Exception as exc:
                log.exception("transcription failed for %d utterance(s)", len(batch))
                for request in batch:
                    request.resolve(None, exc)
                continue
            finished = time.monotonic()
            finals = sum(r.final for r in batch)
            self._stats.ran(started, finished - started, finals, len(batch) - finals)
            for request, text in zip(batch, texts, strict=True):
                if request.final:
                    self._stats.final_done(finished - request.queued_at)
                request.resolve(text)

    def _transcribe(self, batch: list[Request]) -> list[str]:
        many = getattr(self._transcriber, "transcribe_batch", None)
        if many is not None:
            return many([(r.audio, r.language) for r in batch])
        return [self._transcriber.transcribe(r.audio, r.language) for r in batch]
