"""One JSON error shape for every failure: ``{"error": {"code": ..., "message": ...}}``."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from http import HTTPStatus

from aiohttp import web

from api.responses import json_response
from db.errors import Conflict, DbError, NotFound, Unavailable

log = logging.getLogger("colearn.api")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class ApiError(Exception):
    """Raised by handlers for a failure the client should see."""

    def __init__(
        self, status: int, code: str, message: str, headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = dict(headers or {})


def error_response(status: int, code: str, message: str) -> web.Response:
    return json_response({"error": {"code": code, "message": message}}, status=status)


_HTTP_CODES = {
    400: ("bad_request", "The request is malformed."),
    401: ("unauthorized", "Sign in first."),
    403: ("forbidden", "You are not allowed to do this."),
    404: ("not_found", "There is nothing at this address."),
    405: ("method_not_allowed", "This address does not accept that method."),
    413: ("payload_too_large", "The request body is too large."),
}


# The data layer's own errors, for a failure no handler turned into something more specific.
_DB_ERRORS: list[tuple[type[DbError], int, str, str]] = [
    (
        Conflict,
        409,
        "conflict",
        "This clashes with a change made at the same time (or with what exists); "
        "reload and try again.",
    ),
    (NotFound, 404, "not_found", "What this request is about does not exist."),
    (
        Unavailable,
        503,
        "database_unavailable",
        "The database cannot be reached right now; nothing was changed. Try again shortly.",
    ),
]


def db_error_answer(exc: DbError) -> tuple[int, str, str]:
    for kind, status, code, message in _DB_ERRORS:
        if isinstance(exc, kind):
            return status, code, message
    return 500, "internal_error", "Something went wrong on our side."


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except ApiError as exc:
        response = error_response(exc.status, exc.code, exc.message)
        response.headers.update(exc.headers)
        return response
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        code, message = _HTTP_CODES.get(
            exc.status, (HTTPStatus(exc.status).phrase.lower().replace(" ", "_"), exc.reason)
        )
        if exc.status == 405 and isinstance(exc, web.HTTPMethodNotAllowed):
            allowed = ", ".join(sorted(exc.allowed_methods))
            message = f"{request.method} is not allowed here; use {allowed}."
        response = error_response(exc.status, code, message)
        for name in ("Allow", "Retry-After", "WWW-Authenticate"):
            if name in exc.headers:
                response.headers[name] = exc.headers[name]
        return response
    except DbError as exc:
        status, code, message = db_error_answer(exc)
        if status == 503:
            log.warning("database unavailable on %s %s: %s", request.method, request.path, exc)
        response = error_response(status, code, message)
        if status == 503:
            response.headers["Retry-After"] = "2"
        return response
    except Exception:
        log.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(500, "internal_error", "Something went wrong on our side.")
