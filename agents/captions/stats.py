"""How captioning keeps up, for logs, metrics and the worker's load: one object per process.

Read it with ``caption_stats()`` (a dict of plain numbers) or ``STATS`` directly; the metrics
exporter and the load function read the same figures. Counters only grow; ``behind_s`` is
how long the oldest final still waiting has waited (0 when none is).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass, field

LOAD_WINDOW_S = 10.0


@dataclass
class CaptionStats:
    finals: int = 0  # final captions transcribed
    finals_dropped: int = 0  # waited longer than COLEARN_CAPTION_MAX_LAG: logged, not captioned
    interims: int = 0
    interims_dropped: int = 0  # superseded, stale, or overtaken by the final
    batches: int = 0
    busy_s: float = 0.0  # seconds the transcriber has run
    last_final_lag_s: float = 0.0  # queued -> text, of the latest final
    max_final_lag_s: float = 0.0
    speakers: int = 0  # microphones being captioned now
    _waiting_since: dict[int, float] = field(default_factory=dict, repr=False)
    _runs: deque[tuple[float, float]] = field(default_factory=deque, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def waiting(self, ticket: int, since: float) -> None:
        with self._lock:
            self._waiting_since[ticket] = since

    def started(self, ticket: int) -> None:
        with self._lock:
            self._waiting_since.pop(ticket, None)

    def ran(self, started: float, seconds: float, finals: int, interims: int) -> None:
        with self._lock:
            self.batches += 1
            self.busy_s += seconds
            self.finals += finals
            self.interims += interims
            self._runs.append((started, seconds))

    def final_done(self, lag_s: float) -> None:
        with self._lock:
            self.last_final_lag_s = lag_s
            self.max_final_lag_s = max(self.max_final_lag_s, lag_s)

    def speakers_change(self, delta: int) -> None:
        with self._lock:
            self.speakers += delta

    def dropped(self, *, final: bool) -> None:
        with self._lock:
            if final:
                self.finals_dropped += 1
            else:
                self.interims_dropped += 1

    def behind_s(self, now: float | None = None) -> float:
        now = time.monotonic() if now is None else now
        with self._lock:
            oldest = min(self._waiting_since.values(), default=now)
        return max(0.0, now - oldest)

    def busy_fraction(self, now: float | None = None, window: float = LOAD_WINDOW_S) -> float:
        """Share of the last ``window`` seconds (at most 10) the transcriber was running."""
        now = time.monotonic() if now is None else now
        with self._lock:
            while self._runs and sum(self._runs[0]) < now - LOAD_WINDOW_S:
                self._runs.popleft()
            start = now - window
            busy = sum(max(0.0, min(s + d, now) - max(s, start)) for s, d in self._runs)
        return min(1.0, max(0.0, busy / window))

    def snapshot(self) -> dict[str, float]:
        now = time.monotonic()
        with self._lock:
            figures: dict[str, float] = {
                name: float(getattr(self, name))
                for name in (
                    "finals",
                    "finals_dropped",
                    "interims",
                    "interims_dropped",
                    "batches",
                    "busy_s",
                    "last_final_lag_s",
                    "max_final_lag_s",
                    "speakers",
                )
            }
        figures["behind_s"] = self.behind_s(now)
        figures["busy_fraction"] = self.busy_fraction(now)
        return figures


STATS = CaptionStats()


def caption_stats() -> dict[str, float]:
    """This process's caption figures (for a metrics exporter)."""
    return STATS.snapshot()
