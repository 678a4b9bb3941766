"""Finding what a URL names (who may touch it: ``api/authorization.py``)."""

from __future__ import annotations

from aiohttp import web

from api.errors import ApiError
from api.keys import DB
from db import occurrences, sessions
from db.occurrences import Occurrence
from db.sessions import Session


def path_id(request: web.Request, name: str = "id") -> int:
    # the routes only match digits; a number too large for SQLite is simply not found
    value = int(request.match_info[name])
    if value > 2**63 - 1:
        raise ApiError(404, "not_found", f"Nothing has the id {value}.")
    return value


async def session_or_404(request: web.Request, session_id: int) -> Session:
    found = await sessions.session(request.app[DB], session_id)
    if found is None:
        raise ApiError(404, "not_found", f"There is no session {session_id}.")
    return found


async def occurrence_or_404(request: web.Request, occurrence_id: int) -> Occurrence:
    found = await occurrences.occurrence(request.app[DB], occurrence_id)
    if found is None:
        raise ApiError(404, "not_found", f"There is no occurrence {occurrence_id}.")
    return found
