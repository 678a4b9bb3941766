"""The agent worker's metrics, served at ``/metrics`` on its health port.

livekit-agents builds its health server (``GET /`` and ``/worker`` on
``COLEARN_AGENT_HTTP_PORT``) inside ``AgentServer.run`` and starts it at once, so there is
no moment to add a route from outside. ``MetricsOnHealthPort`` adds ``/metrics`` as the
server object is handed to the worker (livekit-agents 1.8.9 keeps it in ``_http_server``;
tests/test_metrics.py scrapes it, so an upgrade that moves it fails there, not in silence).
All of a worker's rooms run as threads of this one process, so one registry sees them all.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiohttp import web
from livekit.agents import AgentServer
from prometheus_client import Counter, Gauge, Histogram

from colearn import metrics
from db import Database

CHAT_STORED = Counter(
    "colearn_chat_messages_stored_total",
    "Chat messages stored (each once: a message heard again is not counted).",
)
ROOMS_HELD = Gauge(
    "colearn_agent_rooms_held",
    "Rooms this agent worker is in now (its running jobs).",
)
CAPTION_LAG = Histogram(
    "colearn_caption_lag_seconds",
    "Time from the end of an utterance to its final caption being published in the room.",
    buckets=(0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 5.0, 8.0, 13.0),
)
CAPTIONS_PUBLISHED = Counter(
    "colearn_captions_published_total",
    "Final captions published (one per utterance with words in it).",
)
CAPTIONS_DROPPED = Counter(
    "colearn_caption_utterances_dropped_total",
    "Utterances dropped without a caption because they waited longer than"
    " COLEARN_CAPTION_MAX_LAG for transcription.",
)
CAPTION_BACKLOG = Gauge(
    "colearn_caption_backlog_utterances",
    "Utterances waiting for or in transcription, across this worker's rooms.",
)


async def _serve(request: web.Request) -> web.Response:
    body, content_type = metrics.exposition()
    return web.Response(body=body, headers={"Content-Type": content_type})


class MetricsOnHealthPort(AgentServer):
    """An ``AgentServer`` whose health server also answers ``GET /metrics``."""

    @property
    def _http_server(self) -> Any:
        return self.__dict__.get("_colearn_http_server")

    @_http_server.setter
    def _http_server(self, server: Any) -> None:
        if server is not None:
            server.app.router.add_get("/metrics", _serve)
        self.__dict__["_colearn_http_server"] = server


def watch(rooms_held: Callable[[], int], database: Database) -> None:
    ROOMS_HELD.set_function(lambda: float(rooms_held()))
    metrics.watch(database)


def watch_backlog(backlog: Callable[[], int]) -> None:
    CAPTION_BACKLOG.set_function(lambda: float(backlog()))
