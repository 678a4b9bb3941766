"""The API application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
from aiohttp import web

from api import health
from api.config import ApiConfig
from api.errors import error_middleware
from api.keys import CONFIG, DB, HTTP
from db import Database

MAX_BODY_BYTES = 1024 * 1024


async def _database(app: web.Application) -> AsyncIterator[None]:
    app[DB] = await Database.open(app[CONFIG].db_path)
    yield
    await app[DB].aclose()


async def _http_client(app: web.Application) -> AsyncIterator[None]:
    app[HTTP] = aiohttp.ClientSession()
    yield
    await app[HTTP].close()


def create_app(config: ApiConfig) -> web.Application:
    app = web.Application(middlewares=[error_middleware], client_max_size=MAX_BODY_BYTES)
    app[CONFIG] = config
    app.cleanup_ctx.extend([_database, _http_client])
    health.setup(app)
    return app
