"""``GET /api/openapi.json``: the OpenAPI 3.1 document, kept true by tests/test_openapi.py."""

from __future__ import annotations

import json
from copy import deepcopy
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from aiohttp import web

from api.models import document as models_document

SPEC_PATH = Path(__file__).with_name("openapi.yaml")
WRITES = ("post", "put", "patch", "delete")
NOT_LIMITED = ("/livekit/webhook",)  # api/limits.py: livekit-server's, verified by signature


def _error(description: str) -> dict[str, object]:
    schema = {"$ref": "#/components/schemas/Error"}
    return {"description": description, "content": {"application/json": {"schema": schema}}}


# The limits every operation has (the document's description, api/limits.py, api/errors.py),
# written into each operation here so that a client reading one operation sees them too.
LIMIT_RESPONSES: dict[str, dict[str, object]] = {
    "PayloadTooLarge": _error("The body is over the limit (`payload_too_large`)"),
    "RateLimited": _error("Too many writes a minute (`rate_limited`); see Retry-After"),
    "DatabaseUnavailable": _error(
        "The database cannot be written now (`database_unavailable`); see Retry-After"
    ),
}


def _completed(loaded: dict[str, Any]) -> dict[str, Any]:
    """Every JSON shape, from the models (api/models: the YAML writes none), and the limits
    every operation has."""
    assert "schemas" not in loaded["components"], "shapes are models in api/models, not YAML"
    loaded["components"]["schemas"] = models_document.schemas()
    loaded["components"]["responses"].update(LIMIT_RESPONSES)
    for operations in loaded["paths"].values():
        for method, operation in operations.items():
            if "x-query" in operation:  # its query string is a model (api/models/queries.py)
                made = deepcopy(models_document.query_parameters(operation.pop("x-query")))
                operation["parameters"] = [*made, *operation.get("parameters", [])]
            if method in (*WRITES, "get"):
                _empty_means_absent(operation.get("parameters", []))
    for path, operations in loaded["paths"].items():
        for method, operation in operations.items():
            if method not in WRITES:
                continue
            responses = operation["responses"]
            responses.setdefault("413", {"$ref": "#/components/responses/PayloadTooLarge"})
            if not path.startswith(NOT_LIMITED):
                responses.setdefault("429", {"$ref": "#/components/responses/RateLimited"})
            responses.setdefault("503", {"$ref": "#/components/responses/DatabaseUnavailable"})
    return loaded


def _empty_means_absent(parameters: list[dict[str, Any]]) -> None:
    """api/validation.py reads an optional query parameter sent empty (`?limit=`) as left out."""
    for parameter in parameters:
        if parameter.get("in") == "query" and not parameter.get("required"):
            parameter["schema"] = {"anyOf": [parameter["schema"], {"const": ""}]}


@cache
def document() -> dict[str, Any]:
    loaded = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return _completed(loaded)


@cache
def _body() -> bytes:
    return json.dumps(document(), indent=1).encode()


async def serve(request: web.Request) -> web.Response:
    return web.Response(body=_body(), content_type="application/json")


def setup(app: web.Application) -> None:
    app.router.add_get("/api/openapi.json", serve)
