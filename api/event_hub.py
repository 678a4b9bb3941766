"""One reader of the events table per API process, fanning each event out to subscribers.

Events reach the table from this process and from others (the agent writes presence and
chat, other API nodes write bookings). One task reads everything past the last id it saw,
woken at once by a commit the database announces (``Database.on_commit``: this process's
commits, and on an engine that says so, every process's), and otherwise every ``poll``
interval, so an unannounced event of another process arrives within that interval. The
data layer makes ids visible in commit order, so reading ``id > last`` misses nothing.
A subscriber that falls too far behind is dropped:
it reconnects with its last event id and catches up from the table.
"""

from __future__ import annotations

import asyncio
import json
import logging
from contextlib import suppress
from datetime import timedelta

from db import Database, Unavailable
from db.events import Event, events_after, latest_event_id

log = logging.getLogger("colearn.api.events")

QUEUE_LIMIT = 1000
BATCH = 1000
SAFETY_POLL_S = 5.0


def frame(event: Event) -> bytes:
    """The event as one Server-Sent-Events message (default type, so ``onmessage`` gets it);
    its data is an ``Event`` (api/models/session_answers.py), written here byte by byte: the
    payload is stored as JSON text and goes out as it is."""
    payload = event.payload if "\n" not in event.payload else json.dumps(json.loads(event.payload))
    data = (
        f'{{"id":{event.id},"topic":{json.dumps(event.topic)},"kind":{json.dumps(event.kind)},'
        f'"created_at":{json.dumps(event.created_at)},"payload":{payload}}}'
    )
    return f"id: {event.id}\ndata: {data}\n\n".encode()


class Subscriber:
    def __init__(self, topics: frozenset[str]) -> None:
        self.topics = topics
        self.queue: asyncio.Queue[tuple[int, bytes] | None] = asyncio.Queue(QUEUE_LIMIT)

    def offer(self, item: tuple[int, bytes] | None) -> bool:
        try:
            self.queue.put_nowait(item)
        except asyncio.QueueFull:
            return False
        return True


class EventHub:
    def __init__(self, db: Database, poll: timedelta) -> None:
        self._db = db
        # with every process's commits announced, reading again now and then is only a
        # safety net (a missed announcement), not how events arrive
        self._poll_s = SAFETY_POLL_S if db.announces_all_commits else poll.total_seconds()
        self._wake = asyncio.Event()
        self._by_topic: dict[str, set[Subscriber]] = {}
        self._task: asyncio.Task[None] | None = None
        self.last_id = 0

    async def start(self) -> None:
        self.last_id = await latest_event_id(self._db)
        self._db.on_commit(self._wake.set)
        self._task = asyncio.create_task(self._run(), name="colearn-event-hub")

    def subscribe(self, topics: frozenset[str]) -> Subscriber:
        subscriber = Subscriber(topics)
        for topic in topics:
            self._by_topic.setdefault(topic, set()).add(subscriber)
        return subscriber

    def unsubscribe(self, subscriber: Subscriber) -> None:
        for topic in subscriber.topics:
            group = self._by_topic.get(topic)
            if group is not None:
                group.discard(subscriber)
                if not group:
                    del self._by_topic[topic]

    def close_all(self) -> None:
        """End every stream (at shutdown): each handler returns when it reads None."""
        for group in list(self._by_topic.values()):
            for subscriber in list(group):
                self.unsubscribe(subscriber)
                subscriber.offer(None)

    async def _run(self) -> None:
        while True:
            # asyncio.timeout, not wait_for: on Python 3.11 wait_for can swallow a cancel
            # that lands just as the wake-up does, and the hub would never stop
            with suppress(TimeoutError):
                async with asyncio.timeout(self._poll_s):
                    await self._wake.wait()
            self._wake.clear()
            try:
                await self._drain()
            except Unavailable as exc:
                log.warning("reading new events failed (%s); trying again", exc)
                await asyncio.sleep(1.0)
            except Exception:
                log.exception("reading new events failed; trying again")
                await asyncio.sleep(1.0)

    async def _drain(self) -> None:
        if not self._by_topic:
            # Nobody listens: only keep up with where the events are. Someone who
            # subscribed meanwhile gets the events read below instead.
            latest = await latest_event_id(self._db)
            if not self._by_topic:
                self.last_id = latest
                return
        while True:
            batch = await events_after(self._db, self.last_id, limit=BATCH)
            for event in batch:
                self._dispatch(event)
                self.last_id = event.id
            if len(batch) < BATCH:
                return

    def _dispatch(self, event: Event) -> None:
        group = self._by_topic.get(event.topic)
        if not group:
            return
        item = (event.id, frame(event))
        for subscriber in list(group):
            if not subscriber.offer(item):
                log.info("a subscriber fell %d events behind; closing its stream", QUEUE_LIMIT)
                self.unsubscribe(subscriber)
                with suppress(asyncio.QueueEmpty):
                    subscriber.queue.get_nowait()
                subscriber.offer(None)

    async def aclose(self) -> None:
        self.close_all()
        if self._task is not None:
            self._task.cancel()
            with suppress(asyncio.CancelledError):
                await self._task
