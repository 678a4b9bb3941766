"""What happened in a room, for the people who were part of it.

- ``GET /api/occurrences/{id}/messages``: the chat, oldest first, paged with ``after``
  (facilitator and booked participants, during and after the session);
- ``GET /api/occurrences/{id}/attendance``: who came, first arrival, time present, whether
  here now (the facilitator, and admins);
- ``GET /api/me/vocabulary``: every word the signed-in person looked up with ``/define``,
  with the sentence it came from: their vocabulary notebook.
"""

from __future__ import annotations

from aiohttp import web

from api import views
from api.auth import require_user
from api.authorization import require, require_occurrence
from api.keys import CONFIG, DB
from api.lookup import occurrence_or_404, path_id
from api.models.learning import Attendance, MessagePage, Vocabulary
from api.models.queries import RecordsQuery
from api.responses import json_response
from api.room_access import identity_of
from api.validation import read_query
from db import chat, presence, vocabulary


def _page(request: web.Request) -> tuple[int, int]:
    q = read_query(request, RecordsQuery)
    return q.after, q.limit


async def messages(request: web.Request) -> web.Response:
    _user, occurrence = await require_occurrence(request, "occurrence.messages")
    after, limit = _page(request)
    found = await chat.messages_after(
        request.app[DB], occurrence_id=occurrence.id, after_id=after, limit=limit + 1
    )
    shown = found[:limit]
    answer: MessagePage = {
        "occurrence_id": occurrence.id,
        "messages": [m.as_json() for m in shown],
        # where the next page starts; null when this was the last one
        "next_after": shown[-1].id if len(found) > limit else None,
    }
    return json_response(answer)


async def attendance(request: web.Request) -> web.Response:
    occurrence = await occurrence_or_404(request, path_id(request))
    await require(request, "occurrence.attendance", occurrence)
    rows = await presence.attendance(
        request.app[DB], occurrence_id=occurrence.id, now=request.app[CONFIG].clock()
    )
    answer: Attendance = {
        "occurrence_id": occurrence.id,
        "attendees": [
            {
                "identity": row.identity,
                "display_name": row.display_name,
                "first_joined_at": views.instant(row.first_joined_at),
                "seconds_present": round(row.seconds_present),
                "stays": row.stays,
                "present": row.present,
            }
            for row in rows
        ],
    }
    return json_response(answer)


async def my_vocabulary(request: web.Request) -> web.Response:
    user = await require_user(request)
    after, limit = _page(request)
    found = await vocabulary.lookups_of(
        request.app[DB], identity_of(user), after_id=after, limit=limit + 1
    )
    shown = found[:limit]
    answer: Vocabulary = {
        "words": [
            {
                "id": entry.id,
                "occurrence_id": entry.occurrence_id,
                "query": entry.lookup.query,
                "headword": entry.lookup.headword,
                "context": entry.lookup.context,
                "looked_up_at": views.instant(entry.lookup.looked_up_at),
            }
            for entry in shown
        ],
        "next_after": shown[-1].id if len(found) > limit else None,
    }
    return json_response(answer)


def setup(app: web.Application) -> None:
    app.router.add_get(r"/api/occurrences/{id:\d+}/messages", messages)
    app.router.add_get(r"/api/occurrences/{id:\d+}/attendance", attendance)
    app.router.add_get("/api/me/vocabulary", my_vocabulary)
