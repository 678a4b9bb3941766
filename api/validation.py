"""Reading request input: every mistake is a 400 whose message names the field."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, TypeVar

from aiohttp import web
from pydantic import ValidationError

from api import passwords
from api.errors import ApiError
from api.models.base import Body

B = TypeVar("B", bound=Body)

EXAMPLE_TIME = "2026-03-20T18:00:00+01:00"
# What text fields are trimmed of: the document's "not blank" is a character above U+0020
# (`[^\x00-\x20]`), so a no-break or ideographic space is text, as it is there.
ASCII_SPACE = " \t\n\r\x0b\x0c"


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


async def json_body(request: web.Request) -> Fields:
    """The request's JSON object; a write without a body reads as ``{}``."""
    if not request.body_exists:
        return Fields({})
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
    return Fields(data)


async def read_body(request: web.Request, model: type[B], *, required: bool = False) -> B:
    """The request's body as ``model`` (the document's schema is the model's): a write
    without a body reads as ``{}`` unless ``required``; every mistake is a 400 naming the field."""
    if required and not request.body_exists:
        raise invalid("Send the changes as a JSON object in the body.")
    fields = await json_body(request)
    return checked(model, fields._data)


def checked(model: type[B], data: Mapping[str, Any]) -> B:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise invalid(_first_mistake(model, data, exc)) from None


def _first_mistake(model: type[Body], data: Mapping[str, Any], exc: ValidationError) -> str:
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
            expected = ", ".join(model.model_fields) or "none"
            return f"unknown field {path!r} (expected: {expected})"
        return f"unknown field {path!r}"
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


async def changes_body(request: web.Request) -> Fields:
    """The JSON object of a PATCH: its body is required (the document says so)."""
    if not request.body_exists:
        raise invalid("Send the changes as a JSON object in the body.")
    return await json_body(request)


def query(request: web.Request) -> Fields:
    for name in request.query:
        if len(request.query.getall(name)) > 1:
            raise invalid(f"{name} is given more than once")
    return Fields(dict(request.query), from_query=True)


def parse_instant(name: str, raw: str) -> datetime:
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise invalid(f"{name} must be an ISO-8601 time with a UTC offset, e.g. {EXAMPLE_TIME}")
    return moment


class Fields:
    """Named values of a JSON object or a query string, read one by one, then ``done()``."""

    def __init__(self, data: Mapping[str, Any], *, from_query: bool = False) -> None:
        self._data = data
        self._query = from_query
        self._read: set[str] = set()

    def has(self, name: str) -> bool:
        return name in self._data and self._data[name] is not None

    def _raw(self, name: str, required: bool) -> Any:
        self._read.add(name)
        value = self._data.get(name)
        if value is None or (self._query and value == ""):
            if required:
                raise invalid(f"{name} is required")
            return None
        return value

    def text(
        self, name: str, *, required: bool = False, max_length: int, default: str | None = None
    ) -> str | None:
        value = self._raw(name, required)
        if value is None:
            return default
        if not isinstance(value, str):
            raise invalid(f"{name} must be text")
        value = value.strip(ASCII_SPACE)
        if required and not value:
            raise invalid(f"{name} must not be empty")
        if len(value) > max_length:
            raise invalid(f"{name} must be at most {max_length} characters")
        if any(ord(c) < 32 and c not in "\n\t" for c in value):
            raise invalid(f"{name} must not contain control characters")
        return value

    def pattern(
        self, name: str, rule: re.Pattern[str], *, what: str, required: bool = False
    ) -> str | None:
        """Text exactly as sent (not trimmed) that ``rule`` matches from start to end: the
        document states the same pattern, so what it calls valid is what this accepts."""
        value = self._raw(name, required)
        if value is None:
            return None
        if not isinstance(value, str) or not rule.fullmatch(value):
            raise invalid(f"{name} must be {what}")
        return value

    def secret(self, name: str, *, max_length: int) -> str:
        """Text taken exactly as sent (a password is not trimmed)."""
        value = self._raw(name, True)
        if not isinstance(value, str):
            raise invalid(f"{name} must be text")
        if len(value) > max_length:
            raise invalid(f"{name} must be at most {max_length} characters")
        return value

    def integer(
        self, name: str, *, minimum: int, maximum: int, required: bool = False
    ) -> int | None:
        value = self._raw(name, required)
        if value is None:
            return None
        if self._query and isinstance(value, str) and value.lstrip("-").isdigit():
            value = int(value)
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # JSON (and JSON Schema's integer) does not tell 48.0 from 48
        if not isinstance(value, int) or isinstance(value, bool):
            raise invalid(f"{name} must be a whole number between {minimum} and {maximum}")
        if not minimum <= value <= maximum:
            raise invalid(f"{name} must be between {minimum} and {maximum}, got {value}")
        return value

    def boolean(self, name: str, *, default: bool = False) -> bool:
        value = self._raw(name, False)
        if value is None:
            return default
        if self._query and isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        if not isinstance(value, bool):
            raise invalid(f"{name} must be true or false")
        return value

    def choice(
        self,
        name: str,
        options: Iterable[str],
        *,
        required: bool = False,
        default: str | None = None,
    ) -> str | None:
        allowed = list(options)
        value = self._raw(name, required)
        if value is None:
            return default
        if value not in allowed:
            raise invalid(f"{name} must be one of: {', '.join(repr(o) for o in allowed)}")
        return str(value)

    def code(self, name: str, codes: Iterable[str], *, what: str) -> str | None:
        """One of many codes (too many to list in the message): ``what`` says which."""
        value = self._raw(name, False)
        if value is None:
            return None
        if not isinstance(value, str) or value not in set(codes):
            raise invalid(f"{name} must be {what}")
        return value

    def instant(self, name: str, *, required: bool = False) -> datetime | None:
        value = self._raw(name, required)
        if value is None:
            return None
        if not isinstance(value, str):
            raise invalid(f"{name} must be an ISO-8601 time with a UTC offset, e.g. {EXAMPLE_TIME}")
        return parse_instant(name, value)

    def array(self, name: str, *, max_items: int) -> list[Any]:
        """A JSON array (empty if absent); its items are the caller's to check."""
        value = self._raw(name, False)
        if value is None:
            return []
        if not isinstance(value, list):
            raise invalid(f"{name} must be a JSON array")
        if len(value) > max_items:
            raise invalid(f"{name} must have at most {max_items} items, got {len(value)}")
        return value

    def nested(self, name: str, *, required: bool = False) -> Fields | None:
        value = self._raw(name, required)
        if value is None:
            return None
        if not isinstance(value, dict):
            raise invalid(f"{name} must be a JSON object")
        return _Nested(value, prefix=f"{name}.")

    def done(self) -> None:
        """Refuse fields nobody read: a misspelt name would otherwise be silently ignored."""
        unknown = sorted(set(self._data) - self._read)
        if unknown:
            what = "query parameter" if self._query else "field"
            expected = ", ".join(sorted(self._read)) or "none"
            raise invalid(f"unknown {what} {unknown[0]!r} (expected: {expected})")


class _Nested(Fields):
    """Fields of an object inside the body; messages name the full path (``recurrence.count``)."""

    def __init__(self, data: Mapping[str, Any], *, prefix: str) -> None:
        super().__init__({f"{prefix}{k}": v for k, v in data.items()})
