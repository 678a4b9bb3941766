"""Event fan-out inside one API process: time to hand one event to N open streams.

    .venv/bin/python bench/event_fanout.py [--streams 2500] [--events 30] [--rounds 3]

Compares, side by side in one run, the stream loop the API runs (api/realtime.py's
``_follow``: one watcher for keep-alives and stuck writers, api/stream_watch.py) with the
loop it replaced (a timeout around every ``queue.get()`` and every ``write()``). Writes go
to a response that accepts them at once, so what is measured is the API's own cost per
delivery, not sockets or clients. Prints the median per event and per delivery.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from api.event_hub import Subscriber
from api.realtime import _follow

HEARTBEAT_S = 15.0


async def _old_follow(
    response: object, subscriber: Subscriber, last: int, write_timeout: float
) -> None:
    """The loop before api/stream_watch.py, kept here to measure against."""
    while True:
        try:
            item = await asyncio.wait_for(subscriber.queue.get(), HEARTBEAT_S)
        except TimeoutError:
            item = (last, b": keep-alive\n\n")
        if item is None:
            return
        event_id, data = item
        if event_id > last or data.startswith(b":"):
            async with asyncio.timeout(write_timeout):
                await response.write(data)  # type: ignore[attr-defined]
            last = max(last, event_id)


class _Counting:
    """A response that takes every write at once and says when all streams have one."""

    def __init__(self, done: callable) -> None:  # type: ignore[valid-type]
        self._done = done

    async def write(self, data: bytes) -> None:
        self._done()


async def _measure(follow: object, streams: int, events: int) -> list[float]:
    delivered = 0
    target = 0
    all_in = asyncio.Event()

    def one() -> None:
        nonlocal delivered
        delivered += 1
        if delivered == target:
            all_in.set()

    response = _Counting(one)
    subscribers = [Subscriber(frozenset({"t"})) for _ in range(streams)]
    tasks = [asyncio.create_task(follow(response, s, 0, 30.0)) for s in subscribers]  # type: ignore[operator]
    await asyncio.sleep(0.2)
    per_event = []
    for n in range(1, events + 1):
        all_in.clear()
        target = delivered + streams
        started = time.perf_counter()
        item = (n, b"id: %d\ndata: {}\n\n" % n)
        for subscriber in subscribers:
            subscriber.offer(item)
        await all_in.wait()
        per_event.append(time.perf_counter() - started)
    for subscriber in subscribers:
        subscriber.offer(None)
    await asyncio.gather(*tasks)
    return per_event


async def main(args: argparse.Namespace) -> None:
    results: dict[str, list[float]] = {"before (timers per event)": [], "now (one watcher)": []}
    for _ in range(args.rounds):  # interleaved, so a busy moment hits both
        results["before (timers per event)"] += await _measure(
            _old_follow, args.streams, args.events
        )
        results["now (one watcher)"] += await _measure(_follow, args.streams, args.events)
    print(f"one event to {args.streams} streams in one API process, {args.rounds} rounds:")
    medians = {}
    for name, times in results.items():
        medians[name] = statistics.median(times)
        print(
            f"  {name:28s} median {medians[name] * 1e3:7.1f} ms per event, "
            f"{medians[name] / args.streams * 1e6:5.1f} us per delivery"
        )
    before, now = medians.values()
    print(f"event_fanout: streams={args.streams} speedup={before / now:.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--streams", type=int, default=2500)
    parser.add_argument("--events", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=3)
    asyncio.run(main(parser.parse_args()))
