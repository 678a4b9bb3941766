"""``python -m api``: serve the Co~Learn API; ``python -m api admin ...``: run it from the
command line (``python -m api admin --help``); ``python -m api openapi``: print the OpenAPI
document it serves at /api/openapi.json (the web page's TypeScript types are made from it)."""

from __future__ import annotations

import json
import logging
import os
import sys
from typing import NoReturn

import uvloop
from aiohttp import web

from api.config import ApiConfig
from api.request_ids import RouteAccessLogger
from colearn import logs
from colearn.config import ConfigError
from colearn.database_check import database_problem

SHUTDOWN_GRACE_S = 2.0


def main() -> int:
    if sys.argv[1:2] == ["admin"]:
        from api.admin import main as admin

        return admin(sys.argv[2:])
    if sys.argv[1:2] == ["openapi"]:
        from api.openapi import document

        print(json.dumps(document(), indent=1, sort_keys=True))
        return 0
    from api.app import create_app  # here: the admin commands start without the whole API

    try:
        logs.configure()
        config = ApiConfig.from_env()
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    problem = database_problem(config.db_url)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    url = f"http://{config.host}:{config.port}"
    web.run_app(
        create_app(config),
        host=config.host,
        port=config.port,
        loop=uvloop.new_event_loop(),  # libuv's loop: about a tenth less CPU per booking
        access_log_class=RouteAccessLogger,  # route patterns, not paths, and the request id
        # on SIGTERM, requests under way get this long; open event streams end at once
        shutdown_timeout=SHUTDOWN_GRACE_S,
        print=lambda _: print(f"Co~Learn API listening on {url}", flush=True),
    )
    _exit_now(0)


def _exit_now(code: int) -> NoReturn:
    """Exit once the API has stopped: its cleanup (api/app.py) closed everything it holds,
    so the interpreter's own teardown is skipped; on a busy machine it took seconds of
    garbage collection, and it would wait for ever for any thread a library left running."""
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    sys.exit(main())
