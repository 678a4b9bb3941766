"""Connect each room's job to livekit-server one room at a time per worker process.

With livekit 1.1.21, a room's connect that overlaps another room's connect from a different
thread (every job of the thread executor runs its own event loop in its own thread) is lost:
it never returns, and 15 s later LiveKit's native client panics and sends the whole worker
SIGTERM, ending every room it holds. Reproduced outside the agent: three threads connecting
at once hung on the first try; the same connects taken one at a time went through 90 of 90.
A connect takes some 50 ms, so even 50 rooms dispatched at once wait a few seconds at most.
"""

from __future__ import annotations

import asyncio
import threading

from livekit.agents import AutoSubscribe, JobContext

_one_at_a_time = threading.Lock()
_POLL_S = 0.01


async def connect(ctx: JobContext, *, auto_subscribe: AutoSubscribe) -> None:
    # Polled: an asyncio.Event belongs to one loop, and a lock waited for in a helper thread
    # would stay taken for good if the wait were cancelled.
    while not _one_at_a_time.acquire(blocking=False):  # noqa: ASYNC110
        await asyncio.sleep(_POLL_S)
    try:
        await ctx.connect(auto_subscribe=auto_subscribe)
    finally:
        _one_at_a_time.release()
