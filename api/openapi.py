"""``GET /api/openapi.json``: the OpenAPI 3.1 document, kept true by tests/test_openapi.py."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import available_timezones

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
    """The models' schemas (api/models), and the limits every operation has."""
    written = loaded["components"].setdefault("schemas", {})
    generated = models_document.schemas()
    if "TimeZone" in written:
        written["TimeZone"]["enum"] = sorted(available_timezones())
    loaded["components"]["responses"].update(LIMIT_RESPONSES)
    for schema in _request_objects(loaded):  # those still written in api/openapi.yaml
        _null_means_absent(schema)
    written.update(generated)
    for operations in loaded["paths"].values():
        for method, operation in operations.items():
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


def _request_objects(loaded: dict[str, Any]) -> list[dict[str, Any]]:
    """The JSON objects request bodies send (each once, components resolved)."""
    found: dict[int, dict[str, Any]] = {}
    for operations in loaded["paths"].values():
        for method, operation in operations.items():
            if method not in WRITES or "requestBody" not in operation:
                continue
            content = operation["requestBody"]["content"].get("application/json", {})
            schema = content.get("schema", {})
            if "$ref" not in schema:  # inline bodies are read by hand, not by api/validation.py
                continue
            schema = loaded["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
            if schema.get("type") == "object" and "properties" in schema:
                found[id(schema)] = schema
    return list(found.values())


def _null_means_absent(schema: dict[str, Any]) -> None:
    """api/validation.py reads an optional field sent as null as one left out: say so."""
    required = set(schema.get("required", ()))
    for name, prop in schema["properties"].items():
        if name not in required and "anyOf" not in prop:
            schema["properties"][name] = {"anyOf": [prop, {"type": "null"}]}


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
