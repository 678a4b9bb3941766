"""Reading request input: every mistake is a 400 whose message names the field.

A body is read as its model (``read_body``), a query string too (``read_query``): the
models of api/models, whose schemas are the OpenAPI document's."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import cache
from typing import Any, TypeVar

from aiohttp import web
from multidict import MultiMapping
from pydantic import BaseModel, ValidationError

from api import passwords
from api.errors import ApiError
from api.models.base import Body, Query

B = TypeVar("B", bound=Body)
Q = TypeVar("Q", bound=Query)
M = TypeVar("M", bound=BaseModel)


def invalid(message: str) -> ApiError:
    return ApiError(400, "invalid_input", message)


def unprocessable(code: str, message: str) -> ApiError:
    """422: well-formed input (the document's schema holds) refused by a rule of the service
    that no schema can state, such as "in the future" or "not a common password"."""
    return ApiError(422, code, message)


def usable_email(email: str, name: str) -> str:
    """``email`` as the Email field kept it (NFKC, lower case), if that spelling is still an
    address; else a 422 ``email_not_usable`` (a rule no schema can state)."""
    if passwords.email_problem(email):
        raise unprocessable(
            "email_not_usable",
            f"{name} is no address in the one spelling kept (Unicode NFKC, lower case): {email!r}",
        )
    return email


def password_refused(password: str, problem: str, *, field: str = "password") -> ApiError:
    """A password ``passwords.password_problem`` refused: 400 when the document's schema says
    so (length, 4 different characters), else 422 ``weak_password`` (common, or it contains
    the email's name: rules no schema can state)."""
    message = problem.replace("password", field, 1)
    stated = (
        passwords.MIN_PASSWORD <= len(password) <= passwords.MAX_PASSWORD
        and len(set(password)) >= 4
    )
    return unprocessable("weak_password", message) if stated else invalid(message)


async def json_body(request: web.Request) -> dict[str, Any]:
    """The request's JSON object; a write without a body reads as ``{}``."""
    if not request.body_exists:
        return {}
    if request.content_type != "application/json":
        raise ApiError(
            415,
            "unsupported_media_type",
            "Send the body as JSON with the header Content-Type: application/json.",
        )
    try:
        data = json.loads(await request.read())
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError(400, "invalid_json", f"The body is not valid JSON: {exc}.") from None
    if not isinstance(data, dict):
        raise invalid("The body must be a JSON object.")
    return data


async def read_body(request: web.Request, model: type[B], *, required: bool = False) -> B:
    """The request's body as ``model`` (the document's schema is the model's): a write
    without a body reads as ``{}`` unless ``required``; every mistake is a 400 naming the field."""
    if required and not request.body_exists:
        raise invalid("Send the changes as a JSON object in the body.")
    fields = await json_body(request)
    return checked(model, fields)


def read_query(request: web.Request, model: type[Q]) -> Q:
    """The query string as ``model``: every mistake is a 400 naming the parameter."""
    return query_as(model, request.query)


def query_as(model: type[Q], query: MultiMapping[str]) -> Q:
    data: dict[str, Any] = {}
    for name in query:
        values = query.getall(name)
        if len(values) > 1:
            raise invalid(f"{name} is given more than once")
        if values[0] != "":  # `?limit=` is left out
            data[name] = _from_text(_query_types(model).get(name), values[0])
    return checked(model, data, what="query parameter")


@cache
def _query_types(model: type[Query]) -> dict[str, str]:
    """Each parameter's JSON type as the document states it (integer, boolean, string)."""
    types: dict[str, str] = {}
    for name, schema in model.model_json_schema()["properties"].items():
        kinds = [s.get("type") for s in schema.get("anyOf", [schema])]
        types[name] = next((k for k in kinds if k and k != "null"), "string")
    return types


def _from_text(kind: str | None, text: str) -> object:
    if kind == "integer" and re.fullmatch(r"-?[0-9]{1,20}", text):
        return int(text)
    if kind == "boolean" and text in ("true", "false"):
        return text == "true"
    return text


def checked(model: type[M], data: Mapping[str, Any], *, what: str = "field") -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise invalid(_first_mistake(model, data, exc, what)) from None


def _first_mistake(
    model: type[BaseModel], data: Mapping[str, Any], exc: ValidationError, what: str
) -> str:
    """The first mistake as a sentence that names the field (``recurrence.count``,
    ``emails[1]``). A name in an error's location that the sent JSON does not have is a
    union's branch (pydantic's), not a field, and is left out."""
    error = exc.errors(include_url=False)[0]
    path, here = "", data
    kind, loc = error["type"], error["loc"]
    for at, part in enumerate(loc):
        if isinstance(part, int) and isinstance(here, list) and part < len(here):
            path, here = f"{path}[{part}]", here[part]
        elif isinstance(here, Mapping) and part in here:
            path, here = f"{path}.{part}" if path else str(part), here[part]
        elif kind == "missing" and at == len(loc) - 1:
            path = f"{path}.{part}" if path else str(part)
    if kind == "extra_forbidden":
        if "." not in path:
            names = [field.alias or name for name, field in model.model_fields.items()]
            expected = ", ".join(names) or "none"
            return f"unknown {what} {path!r} (expected: {expected})"
        return f"unknown {what} {path!r}"
    if kind == "missing" or error.get("input", "") is None:
        return f"{path} is required"
    if kind == "colearn":
        return f"{path} {error['msg']}".strip()
    if kind == "literal_error":
        return f"{path} must be one of: {error.get('ctx', {}).get('expected', '')}"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"{path} must be a JSON object"
    if kind == "list_type":
        return f"{path} must be a JSON array"
    if kind == "too_long":
        return f"{path} must have at most {error['ctx']['max_length']} items"
    if kind == "too_short":
        return f"{path} must have at least {error['ctx']['min_length']} items"
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"{path}: {message[:1].lower()}{message[1:]}" if path else message
