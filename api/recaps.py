"""Recaps after a session, and what a learner sets for them.

- ``GET /api/occurrences/{id}/recap``: the signed-in person's recap of that occurrence (a
  learner's own, or the facilitator's); 404 ``recap_not_ready`` before it is built (within
  two minutes of the end, once the room is empty), 404 ``no_recap`` for someone not in it;
- ``GET /api/me/recaps``: the person's recaps, newest session first;
- ``GET``/``PUT /api/me/learning``: ``level`` ('A1'..'C2', or '' to follow each session's)
  and ``recap_emails`` (true/false).
"""

from __future__ import annotations

from aiohttp import web

from api.auth import require_user
from api.errors import ApiError
from api.keys import CONFIG, DB
from api.lookup import occurrence_or_404, path_id
from api.models.learning import LearnerSettings, LearnerSettingsChange, RecapList
from api.models.learning_recaps import FacilitatorRecap, LearnerRecap
from api.responses import json_response
from api.validation import read_body
from db import notebook_settings, recaps
from db.notebook_settings import LearnerSettings as Settings


async def recap(request: web.Request) -> web.Response:
    user = await require_user(request)
    occurrence = await occurrence_or_404(request, path_id(request))
    found: LearnerRecap | FacilitatorRecap | None = await recaps.recap_of(
        request.app[DB], occurrence.id, user.id
    )
    if found is not None:
        return json_response(found)
    if not await recaps.built(request.app[DB], occurrence.id):
        raise ApiError(
            404,
            "recap_not_ready",
            "The recap is not built yet: it comes within two minutes of the session's end,"
            " once everyone has left the room.",
        )
    raise ApiError(404, "no_recap", "You have no recap of this session: you were not in it.")


async def my_recaps(request: web.Request) -> web.Response:
    user = await require_user(request)
    rows = await recaps.recaps_of(request.app[DB], user.id)
    answer: RecapList = {
        "recaps": [
            {
                "occurrence_id": int(r["occurrence_id"]),
                "title": r["title"],
                "role": r["role"],
                "starts_at": r["starts_at"],
                "built_at": r["built_at"],
            }
            for r in rows
        ]
    }
    return json_response(answer)


def _settings(found: Settings) -> web.Response:
    answer: LearnerSettings = {"level": found.level, "recap_emails": found.recap_emails}
    return json_response(answer)


async def get_learning(request: web.Request) -> web.Response:
    user = await require_user(request)
    return _settings(await notebook_settings.settings_of(request.app[DB], user.id))


async def put_learning(request: web.Request) -> web.Response:
    user = await require_user(request)
    body = await read_body(request, LearnerSettingsChange)
    level, emails = body.level, body.recap_emails
    changed = await request.app[DB].write(
        notebook_settings.change, user.id, level, emails, request.app[CONFIG].clock()
    )
    return _settings(changed)


def setup(app: web.Application) -> None:
    app.router.add_get(r"/api/occurrences/{id:\d+}/recap", recap)
    app.router.add_get("/api/me/recaps", my_recaps)
    app.router.add_get("/api/me/learning", get_learning)
    app.router.add_put("/api/me/learning", put_learning)
