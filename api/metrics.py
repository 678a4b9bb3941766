"""The API's metrics and ``GET /metrics`` (Prometheus's text format).

Requests are counted by route pattern (``/api/occurrences/{id}/bookings``, never the raw
path, so a label has a bounded number of values), method and status. The outbox and the
live agent workers are read from the database when Prometheus scrapes, so the mail worker
(``python -m mail send``, which has no port) is watched through the API too.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp import web
from prometheus_client import Counter, Gauge, Histogram

from api.errors import Handler
from api.keys import CONFIG, DB
from colearn import metrics
from db import monitoring

UNMATCHED = "(unmatched)"
# An agent worker heard from within this long counts as registered (it beats every second).
AGENT_ALIVE_WITHIN = timedelta(seconds=10)

HTTP_REQUESTS = Counter(
    "colearn_http_requests_total",
    "HTTP requests answered by the API, by method, route pattern and status.",
    ["method", "route", "status"],
)
HTTP_SECONDS = Histogram(
    "colearn_http_request_duration_seconds",
    "Time from a request's arrival to its answer, by method and route pattern (an event"
    " stream's lasts as long as the stream).",
    ["method", "route"],
)
BOOKINGS_MADE = Counter(
    "colearn_bookings_made_total",
    "Bookings made (a seat, or a place on the waitlist), by the booking's status.",
    ["status"],
)
BOOKINGS_REFUSED = Counter(
    "colearn_bookings_refused_total",
    "Bookings refused, by reason (the error code the client got: occurrence_full, ...).",
    ["reason"],
)
EVENT_STREAMS = Gauge(
    "colearn_event_stream_subscribers",
    "Open event streams (GET /api/events, server-sent events) on this API process.",
)
OUTBOX_MAILS = Gauge(
    "colearn_mail_outbox_mails",
    "Mails in the outbox by state: pending (not sent yet), retrying (pending after a"
    " failed attempt), failed (given up).",
    ["state"],
)
OUTBOX_OLDEST_DUE = Gauge(
    "colearn_mail_outbox_oldest_due_age_seconds",
    "How long the longest-waiting due mail has been due (0: none is due).",
)
AGENT_WORKERS = Gauge(
    "colearn_agent_workers_registered",
    "Agent workers that reported themselves registered with livekit-server in the last 10 s.",
)


def _route(request: web.Request) -> str:
    resource = request.match_info.route.resource
    return UNMATCHED if resource is None else resource.canonical


@web.middleware
async def metrics_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    started = time.perf_counter()
    status = 500
    try:
        response = await handler(request)
        status = response.status
        return response
    except web.HTTPException as exc:
        status = exc.status
        raise
    except asyncio.CancelledError:
        status = 499  # the client went away before the answer
        raise
    finally:
        key = (request.method, _route(request), status)
        children = _CHILDREN.get(key)
        if children is None:
            children = _CHILDREN[key] = _children(*key)
        children[0].inc()
        children[1].observe(time.perf_counter() - started)


# (method, route, status) -> its counter and histogram: ``labels()`` takes a lock and
# builds a tuple on every call; the cache makes a request's bookkeeping ~3 times cheaper.
_CHILDREN: dict[tuple[str, str, int], tuple[Any, Any]] = {}


def _children(method: str, route: str, status: int) -> tuple[Any, Any]:
    return HTTP_REQUESTS.labels(method, route, str(status)), HTTP_SECONDS.labels(method, route)


async def _read_database_figures(app: web.Application) -> None:
    db, now = app[DB], app[CONFIG].clock()
    state, workers = await asyncio.gather(
        monitoring.outbox_state(db, now),
        monitoring.live_workers(db, datetime.now(UTC) - AGENT_ALIVE_WITHIN),
    )
    OUTBOX_MAILS.labels("pending").set(state.pending)
    OUTBOX_MAILS.labels("retrying").set(state.retrying)
    OUTBOX_MAILS.labels("failed").set(state.failed)
    waited = 0.0 if state.oldest_due_at is None else (now - state.oldest_due_at).total_seconds()
    OUTBOX_OLDEST_DUE.set(max(0.0, waited))
    AGENT_WORKERS.set(workers)


async def serve_metrics(request: web.Request) -> web.Response:
    await _read_database_figures(request.app)
    body, content_type = metrics.exposition()
    return web.Response(body=body, headers={"Content-Type": content_type})


async def _watch_database(app: web.Application) -> AsyncIterator[None]:
    metrics.watch(app[DB])
    yield
    metrics.unwatch(app[DB])


def setup(app: web.Application) -> None:
    app.cleanup_ctx.append(_watch_database)
    app.router.add_get("/metrics", serve_metrics)
