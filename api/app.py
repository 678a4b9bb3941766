"""The API application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
from aiohttp import web

from api import (
    account_care,
    accounts,
    auth,
    bookings,
    dictionary,
    docs_viewer,
    exports,
    guests,
    health,
    invitations,
    limits,
    mail_settings,
    mailing,
    metrics,
    notebook,
    occurrences,
    openapi,
    realtime,
    recaps,
    records,
    request_ids,
    review,
    room_access,
    room_end,
    sessions,
    transcripts,
    webhooks,
)
from api.config import ApiConfig
from api.errors import error_middleware
from api.event_hub import EventHub
from api.keys import CONFIG, DB, EVENTS, HTTP
from api.metrics import metrics_middleware
from api.web import setup as setup_web_page
from db import Database


async def _database(app: web.Application) -> AsyncIterator[None]:
    app[DB] = await Database.open(app[CONFIG].db_url)
    yield
    await app[DB].aclose()


async def _http_client(app: web.Application) -> AsyncIterator[None]:
    app[HTTP] = aiohttp.ClientSession()
    yield
    await app[HTTP].close()


async def _event_hub(app: web.Application) -> AsyncIterator[None]:
    app[EVENTS] = EventHub(app[DB], app[CONFIG].events_poll)
    await app[EVENTS].start()
    yield
    await app[EVENTS].aclose()


async def _end_streams(app: web.Application) -> None:
    # Open event streams would otherwise hold shutdown until its timeout.
    app[EVENTS].close_all()


def create_app(config: ApiConfig) -> web.Application:
    middlewares = [request_ids.request_id_middleware, metrics_middleware, error_middleware]
    middlewares.append(limits.limits_middleware)  # inside error_middleware: JSON errors
    body_limit = limits.Limits.from_env()
    app = web.Application(middlewares=middlewares, client_max_size=body_limit.max_body_bytes)
    app[CONFIG] = config
    limits.setup(app, body_limit)
    app.cleanup_ctx.extend([_database, _http_client, _event_hub, mailing.background])
    app.on_shutdown.append(_end_streams)
    health.setup(app)
    metrics.setup(app)
    request_ids.setup(app)
    auth.setup(app)
    accounts.setup(app)
    account_care.setup(app)
    sessions.setup(app)
    occurrences.setup(app)
    bookings.setup(app)
    room_access.setup(app)
    room_end.setup(app)
    realtime.setup(app)
    webhooks.setup(app)
    transcripts.setup(app)
    dictionary.setup(app)
    records.setup(app)
    exports.setup(app)  # before notebook: export.csv is not a word id
    notebook.setup(app)
    review.setup(app)
    recaps.setup(app)
    invitations.setup(app)
    guests.setup(app)
    mail_settings.setup(app)
    mailing.setup(app)
    openapi.setup(app)
    docs_viewer.setup(app)  # /api/docs: the reference in a browser
    setup_web_page(app)  # last: the page's routes come after the API's
    return app
