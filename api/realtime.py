"""``GET /api/events``: live updates as Server-Sent Events, resumable by event id.

A client names the occurrences it watches (``?occurrences=12,13``) and always also gets
its own ``user:{id}`` events. After a drop it reconnects with ``Last-Event-ID`` (browsers
do this themselves) or ``?after=``, and first receives what it missed from the events
table, then live events; ids are global and increasing, so nothing comes twice.
"""

from __future__ import annotations

import asyncio
import json

from aiohttp import web

from api.auth import require_user
from api.errors import ApiError
from api.event_hub import Subscriber, frame
from api.keys import DB, EVENTS
from api.limits import LIMITS, STREAMS
from api.metrics import EVENT_STREAMS
from api.models.queries import EventQuery
from api.models.session_answers import StreamReady
from api.stream_watch import StreamState, unwatch, watch
from api.validation import read_query
from db.events import latest_event_id, replay

BACKLOG_BATCH = 500
# How far back a replay reaches for a person's own events (``user:{id}``): those are
# found by scanning ids, not through an index (one more index entry on every booking).
# An occurrence's events are indexed, and replayed however old.
OWN_REPLAY_WINDOW = 10_000


def _occurrence_ids(text: str | None) -> list[int]:
    """``12,13``: EventQuery's pattern saw to the form (and to at most 200)."""
    return [int(part) for part in text.split(",")] if text else []


def _resume_from(request: web.Request, after: int | None) -> int | None:
    header = request.headers.get("Last-Event-ID")
    if header is None or header == "":
        return after
    if not header.isdigit() or len(header) > 18:
        raise ApiError(400, "invalid_input", "Last-Event-ID must be an event id this API sent.")
    return int(header)


async def stream(request: web.Request) -> web.StreamResponse:
    user = await require_user(request)
    q = read_query(request, EventQuery)
    ids = _occurrence_ids(q.occurrences)
    resume = _resume_from(request, q.after)
    topics = frozenset({f"user:{user.id}", *(f"occurrence:{i}" for i in ids)})
    with request.app[STREAMS].hold(user.id):
        return await _stream(request, user.id, ids, topics, resume)


async def _stream(
    request: web.Request, user_id: int, ids: list[int], topics: frozenset[str], resume: int | None
) -> web.StreamResponse:
    hub = request.app[EVENTS]
    # Subscribe before reading the backlog: an event committed in between is then in the
    # queue, the backlog or both, never in neither; duplicates are skipped by id.
    subscriber = hub.subscribe(topics)
    EVENT_STREAMS.inc()
    response = web.StreamResponse(
        headers={
            "Content-Type": "text/event-stream",
            "Cache-Control": "no-cache",
            "X-Accel-Buffering": "no",
        }
    )
    try:
        await response.prepare(request)
        last, complete = hub.last_id, True
        if resume is not None:
            last, complete = await _replay(request, response, user_id, ids, resume)
        ready: StreamReady = {
            "last_event_id": last,
            "topics": sorted(topics),
            "own_events_complete": complete,
        }
        await response.write(f"event: ready\nid: {last}\ndata: {json.dumps(ready)}\n\n".encode())
        await _follow(response, subscriber, last, request.app[LIMITS].stream_write_timeout_s)
    except (ConnectionResetError, TimeoutError):
        pass  # gone, or not reading: it comes back with its last event id
    finally:
        hub.unsubscribe(subscriber)
        EVENT_STREAMS.dec()
    return response


async def _replay(
    request: web.Request, response: web.StreamResponse, user_id: int, ids: list[int], last: int
) -> tuple[int, bool]:
    """Send what was missed since ``last``: everything on the occurrences, and the
    person's own events among the last ``OWN_REPLAY_WINDOW``. Returns the id of the last
    event sent, and False if older own events were left out (reload what they change)."""
    db = request.app[DB]
    asked = last
    own_after = await latest_event_id(db) - OWN_REPLAY_WINDOW
    while True:
        backlog = await replay(
            db,
            last,
            occurrence_topics=[f"occurrence:{i}" for i in ids],
            own_topic=f"user:{user_id}",
            own_after_id=own_after,
            limit=BACKLOG_BATCH,
        )
        for event in backlog:
            await response.write(frame(event))
            last = event.id
        if len(backlog) < BACKLOG_BATCH:
            return last, asked >= own_after


async def _follow(
    response: web.StreamResponse, subscriber: Subscriber, last: int, write_timeout: float
) -> None:
    """Live events until the hub ends the stream; a reader that stops reading is ended once
    a write has waited ``write_timeout`` (TimeoutError), so it holds no more than its
    queue and the socket's buffer meanwhile. Keep-alives and that timeout come from one
    watcher for all streams (api/stream_watch.py), not from timers around each event."""
    state = StreamState(subscriber.offer, write_timeout)
    watch(state)
    time = state.loop.time
    try:
        while True:
            item = await subscriber.queue.get()
            if item is None:
                return
            event_id, data = item
            if event_id > last or data.startswith(b":"):
                state.writing_since = time()
                try:
                    await response.write(data)
                except asyncio.CancelledError:
                    if not state.timed_out:
                        raise
                    asyncio.current_task().uncancel()  # type: ignore[union-attr]
                    raise TimeoutError("the reader stopped reading") from None
                state.last_write, state.writing_since = time(), None
                last = max(last, event_id)
    finally:
        unwatch(state)


def setup(app: web.Application) -> None:
    app.router.add_get("/api/events", stream)
