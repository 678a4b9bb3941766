"""A request id for every API request: the client's ``X-Request-ID`` when it is a sensible
one, otherwise a new one. It is answered in the ``X-Request-ID`` header, set on every log
line written while the request runs (colearn/logs.py) and kept with the events and mails the
request causes (db/context.py)."""

from __future__ import annotations

import logging
import re
import uuid

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger

from api.errors import Handler
from db.context import request_id

HEADER = "X-Request-ID"
REQUEST_ID = web.RequestKey("request_id", str)
# Letters, digits and - _ . : only, at most 128: safe in a log line, a header and a column.
_VALID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


def request_id_of(request: web.Request) -> str:
    given = request.headers.get(HEADER, "")
    return given if _VALID.fullmatch(given) else uuid.uuid4().hex


@web.middleware
async def request_id_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    rid = request[REQUEST_ID] = request_id_of(request)
    token = request_id.set(rid)
    try:
        return await handler(request)
    finally:
        request_id.reset(token)


async def _answer_with_id(request: web.Request, response: web.StreamResponse) -> None:
    # Every answer, streams and redirects included, just before its headers are sent.
    rid = request.get(REQUEST_ID)
    if rid is not None:
        response.headers[HEADER] = rid


def setup(app: web.Application) -> None:
    app.on_response_prepare.append(_answer_with_id)


class RouteAccessLogger(AbstractAccessLogger):
    """One line per request naming its route pattern, never its path or query string (a
    guest link's token or a search would otherwise land in the log), with its request id."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        if not self.logger.isEnabledFor(logging.INFO):
            return
        match = getattr(request, "match_info", None)
        resource = match.route.resource if match is not None else None
        route = "(unmatched)" if resource is None else resource.canonical
        self.logger.info(
            "%s %s %s %.1f ms",
            request.method,
            route,
            response.status,
            time * 1000,
            extra={"request_id": request.get(REQUEST_ID)},
        )
