"""What one client may consume: body sizes, write rates, event streams.

- **Bodies**: a request declaring more than ``max_body_bytes`` is answered 413 before any
  handler runs, on every route; a chunked body that grows past it is cut off (aiohttp's
  ``client_max_size``) with the same 413 and JSON error shape.
- **Write rates** (POST, PUT, PATCH, DELETE): a token bucket per signed-in user and, for
  writes without a sign-in (sign-up, sign-in, guest links), per client address; over it,
  429 with ``Retry-After``. Kept in this process's memory: with several API nodes each
  allows the rate, which is fine for what it is for (one client flooding a node). The
  sign-in throttle, which guards passwords, is in the database and shared by every node
  (db/accounts.py).
- **Event streams** (``GET /api/events``): at most ``streams_per_user`` open per user
  (429) and ``streams_total`` per node (503), both with ``Retry-After``. Per node as well:
  each stream holds this node's memory. A stream whose reader stops reading is ended
  once a write has waited ``stream_write_timeout_s`` (its queue is bounded meanwhile).

Each limit is set by an environment variable (colearn/config.py); 0 turns a rate off.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from aiohttp import web

from api.auth import signed_in
from api.errors import ApiError, Handler
from colearn.config import env_int

WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
NOT_LIMITED = ("/livekit/webhook",)  # livekit-server's, verified by signature
MAX_KEYS = 100_000  # buckets remembered; the least recently used go first


@dataclass
class Limits:
    max_body_bytes: int = 64 * 1024
    writes_per_user_per_minute: int = 600
    writes_per_address_per_minute: int = 600
    streams_per_user: int = 8
    streams_total: int = 2000
    stream_write_timeout_s: float = 30.0

    @classmethod
    def from_env(cls) -> Limits:
        return cls(
            max_body_bytes=env_int("COLEARN_MAX_BODY_BYTES"),
            writes_per_user_per_minute=env_int("COLEARN_WRITES_PER_USER_PER_MINUTE"),
            writes_per_address_per_minute=env_int("COLEARN_WRITES_PER_ADDRESS_PER_MINUTE"),
            streams_per_user=env_int("COLEARN_STREAMS_PER_USER"),
            streams_total=env_int("COLEARN_STREAMS_TOTAL"),
        )


class Buckets:
    """Token buckets by key: ``per_minute`` writes a minute, up to a minute's worth at once."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def take(self, key: str, now: float) -> float:
        """0 if allowed (one token taken), else seconds until a token is there."""
        if self.per_minute <= 0:
            return 0.0
        rate = self.per_minute / 60.0
        tokens, at = self._buckets.pop(key, (float(self.per_minute), now))
        tokens = min(float(self.per_minute), tokens + (now - at) * rate)
        if tokens >= 1.0:
            tokens -= 1.0
            wait = 0.0
        else:
            wait = (1.0 - tokens) / rate
        self._buckets[key] = (tokens, now)
        while len(self._buckets) > MAX_KEYS:
            self._buckets.popitem(last=False)
        return wait


class StreamSlots:
    def __init__(self, per_user: int, total: int) -> None:
        self.per_user = per_user
        self.total = total
        self._open: dict[int, int] = {}
        self.count = 0

    @contextmanager
    def hold(self, user_id: int) -> Iterator[None]:
        if self.count >= self.total:
            raise ApiError(
                503,
                "too_many_streams",
                f"This server has {self.total} event streams open, its most; try again soon.",
                headers={"Retry-After": "5"},
            )
        if self._open.get(user_id, 0) >= self.per_user:
            raise ApiError(
                429,
                "too_many_streams",
                f"You have {self.per_user} event streams open, the most one person may; "
                "close one (another tab or device) first.",
                headers={"Retry-After": "5"},
            )
        self._open[user_id] = self._open.get(user_id, 0) + 1
        self.count += 1
        try:
            yield
        finally:
            self.count -= 1
            left = self._open[user_id] - 1
            if left:
                self._open[user_id] = left
            else:
                del self._open[user_id]


LIMITS = web.AppKey("limits", Limits)
USER_WRITES = web.AppKey("user_writes", Buckets)
ADDRESS_WRITES = web.AppKey("address_writes", Buckets)
STREAMS = web.AppKey("streams", StreamSlots)


def _too_large(limit: int) -> ApiError:
    return ApiError(
        413, "payload_too_large", f"The request body is larger than {limit} bytes, the most."
    )


def _rate_limited(wait: float, whom: str) -> ApiError:
    seconds = max(1, math.ceil(wait))
    return ApiError(
        429,
        "rate_limited",
        f"Too many changes from {whom}; try again in {seconds} seconds.",
        headers={"Retry-After": str(seconds)},
    )


@web.middleware
async def limits_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    limits = request.app[LIMITS]
    length = request.content_length
    if length is not None and length > limits.max_body_bytes:
        raise _too_large(limits.max_body_bytes)
    if request.method in WRITES and not request.path.startswith(NOT_LIMITED):
        try:
            owner = await signed_in(request)
        except ApiError:
            owner = None  # the handler answers for a bad token; counted by address here
        now = time.monotonic()
        if owner is not None:
            wait = request.app[USER_WRITES].take(f"user:{owner.user.id}", now)
            if wait:
                raise _rate_limited(wait, "your account")
        else:
            wait = request.app[ADDRESS_WRITES].take(f"address:{request.remote}", now)
            if wait:
                raise _rate_limited(wait, "your address")
    try:
        return await handler(request)
    except web.HTTPRequestEntityTooLarge:
        raise _too_large(limits.max_body_bytes) from None


def setup(app: web.Application, limits: Limits | None = None) -> None:
    """Called by create_app; ``limits`` defaults to the environment's."""
    limits = limits or Limits.from_env()
    app[LIMITS] = limits
    app[USER_WRITES] = Buckets(limits.writes_per_user_per_minute)
    app[ADDRESS_WRITES] = Buckets(limits.writes_per_address_per_minute)
    app[STREAMS] = StreamSlots(limits.streams_per_user, limits.streams_total)
