"""How fast one participant may make the agent work: a token bucket per identity."""

from __future__ import annotations

import time
from collections.abc import Callable


class RateLimiter:
    """``burst`` actions at once, then ``per_second`` on average."""

    def __init__(
        self, burst: int, per_second: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._burst = float(burst)
        self._rate = per_second
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, as of)

    def allow(self, key: str) -> bool:
        """Take a token for ``key`` if one is left."""
        tokens, now = self._refilled(key)
        allowed = tokens >= 1.0
        self._buckets[key] = (tokens - 1.0 if allowed else tokens, now)
        return allowed

    def wait_s(self, key: str) -> float:
        """Seconds until ``key`` may act again (0 if it may now)."""
        tokens, _ = self._refilled(key)
        return max(0.0, (1.0 - tokens) / self._rate)

    def _refilled(self, key: str) -> tuple[float, float]:
        now = self._clock()
        tokens, since = self._buckets.get(key, (self._burst, now))
        return min(self._burst, tokens + (now - since) * self._rate), now
