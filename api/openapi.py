"""``GET /api/openapi.json``: the OpenAPI 3.1 document, kept true by tests/test_openapi.py."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import yaml
from aiohttp import web

SPEC_PATH = Path(__file__).with_name("openapi.yaml")


@cache
def document() -> dict[str, object]:
    loaded = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


@cache
def _body() -> bytes:
    return json.dumps(document(), indent=1).encode()


async def serve(request: web.Request) -> web.Response:
    return web.Response(body=_body(), content_type="application/json")


def setup(app: web.Application) -> None:
    app.router.add_get("/api/openapi.json", serve)
