"""One watcher per event loop for every open event stream, instead of two timers per stream
per event.

Each stream needs a keep-alive comment when it has been quiet for ``HEARTBEAT_S``, and must
end once a write has waited ``write_timeout`` (a reader that stopped reading). Doing both
with a timeout around every ``queue.get()`` and every ``write()`` arms and cancels two timer
handles per event per stream, several times the cost of the delivery itself
(bench/event_fanout.py measures both side by side). Here one
task looks at every stream once a ``TICK_S``: it queues a keep-alive for a quiet one and
cancels the task of one whose write has waited too long, which then ends with TimeoutError.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field

HEARTBEAT_S = 15.0
TICK_S = 1.0
KEEP_ALIVE = (0, b": keep-alive\n\n")


@dataclass(eq=False)
class StreamState:
    """What the watcher knows of one stream; the stream's own task updates it."""

    offer: Callable[[tuple[int, bytes]], bool]  # queue an item for the stream
    write_timeout: float
    task: asyncio.Task[object] | None = None
    last_write: float = 0.0
    writing_since: float | None = None
    timed_out: bool = False
    loop: asyncio.AbstractEventLoop = field(default_factory=asyncio.get_running_loop)


_watched: dict[asyncio.AbstractEventLoop, tuple[set[StreamState], asyncio.Task[None]]] = {}


def watch(state: StreamState) -> None:
    state.task = asyncio.current_task()
    state.last_write = state.loop.time()
    entry = _watched.get(state.loop)
    if entry is None:
        group: set[StreamState] = set()
        task = state.loop.create_task(_watch(state.loop, group), name="colearn-stream-watch")
        _watched[state.loop] = entry = (group, task)
    entry[0].add(state)


def unwatch(state: StreamState) -> None:
    entry = _watched.get(state.loop)
    if entry is not None:
        entry[0].discard(state)


async def _watch(loop: asyncio.AbstractEventLoop, group: set[StreamState]) -> None:
    try:
        while group:
            await asyncio.sleep(TICK_S)
            now = loop.time()
            for state in list(group):
                if state.writing_since is not None:
                    if now - state.writing_since > state.write_timeout and state.task:
                        state.timed_out = True
                        state.task.cancel()
                elif now - state.last_write >= HEARTBEAT_S:
                    state.last_write = now
                    state.offer(KEEP_ALIVE)
    finally:
        # no await between the last look at ``group`` and this: nobody joined meanwhile
        if _watched.get(loop, (None,))[0] is group:
            del _watched[loop]
