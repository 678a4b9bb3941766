"""Occurrences: browse what is coming up; a facilitator edits or cancels one meeting."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aiohttp import web

from api import views
from api.authorization import require
from api.errors import ApiError
from api.keys import CONFIG, DB
from api.lookup import occurrence_or_404, path_id
from api.models.queries import OccurrenceQuery
from api.models.session_answers import OccurrencePage
from api.models.sessions import OccurrencePatch
from api.responses import json_response
from api.sessions import starts_in_past
from api.validation import read_body, read_query
from db import bookings, occurrence_changes, occurrences
from db.occurrences import BrowseFilter

# A page ends at a (start, id) position: microseconds since 1970 (UTC) and the id, the next
# page starts after it. The document states this pattern; any text it matches is a position.
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _cursor(occurrence: occurrences.Occurrence) -> str:
    micros = (occurrence.starts_at - EPOCH) // timedelta(microseconds=1)
    return f"{micros}.{occurrence.id}"


def _read_cursor(text: str) -> tuple[datetime, int]:
    micros, occurrence_id = text.split(".")
    return EPOCH + timedelta(microseconds=int(micros)), int(occurrence_id)


async def browse(request: web.Request) -> web.Response:
    q = read_query(request, OccurrenceQuery)
    limit = q.limit
    # `to` at or before `from` is an empty window: an empty page, not an error (a client
    # narrowing a range may well reach it).
    where = BrowseFilter(
        ending_after=request.app[CONFIG].clock(),
        starts_from=q.from_,
        starts_before=q.to,
        facilitator_id=q.facilitator_id,
        level=q.level or None,
        topic=q.topic or None,
        has_seats=q.has_seats,
        after=_read_cursor(q.cursor) if q.cursor else None,
    )
    found = await occurrences.browse(request.app[DB], where, limit + 1)
    page = found[:limit]
    next_cursor = _cursor(page[-1]) if len(found) > limit else None
    window = request.app[CONFIG].join_window
    answer: OccurrencePage = {
        "items": [views.occurrence(o, window) for o in page],
        "next_cursor": next_cursor,
    }
    return json_response(answer)


async def get_occurrence(request: web.Request) -> web.Response:
    found = await occurrence_or_404(request, path_id(request))
    return json_response(views.occurrence(found, request.app[CONFIG].join_window))


async def update_occurrence(request: web.Request) -> web.Response:
    found = await occurrence_or_404(request, path_id(request))
    await require(request, "occurrence.edit", found)
    body = await read_body(request, OccurrencePatch, required=True)
    starts_at, duration, capacity = body.starts_at, body.duration_minutes, body.capacity
    now = request.app[CONFIG].clock()
    length = timedelta(minutes=duration) if duration else None
    try:
        edited = await request.app[DB].write(
            occurrence_changes.edit, found.id, starts_at, length, capacity, now
        )
    except bookings.OccurrenceCancelled:
        raise ApiError(409, "occurrence_cancelled", "This occurrence is cancelled.") from None
    except bookings.NoSuchOccurrence:
        raise ApiError(404, "not_found", f"There is no occurrence {found.id}.") from None
    except occurrence_changes.AlreadyStarted:
        raise ApiError(409, "occurrence_started", "This occurrence has already started.") from None
    except occurrence_changes.StartsInPast:
        raise starts_in_past() from None
    except occurrence_changes.CapacityBelowBooked as exc:
        raise ApiError(
            409,
            "capacity_below_booked",
            f"capacity cannot be lower than the {exc.booked} seats already booked.",
        ) from None
    except occurrence_changes.TimeTaken:
        raise ApiError(
            409, "time_taken", "Another occurrence of this session already starts at that time."
        ) from None
    return json_response(views.occurrence(edited, request.app[CONFIG].join_window))


async def cancel_occurrence(request: web.Request) -> web.Response:
    found = await occurrence_or_404(request, path_id(request))
    await require(request, "occurrence.cancel", found)
    now = request.app[CONFIG].clock()
    try:
        cancelled = await request.app[DB].write(occurrence_changes.cancel, found.id, now)
    except bookings.OccurrenceEnded:
        raise ApiError(409, "occurrence_ended", "This occurrence has already ended.") from None
    except bookings.NoSuchOccurrence:
        raise ApiError(404, "not_found", f"There is no occurrence {found.id}.") from None
    return json_response(views.occurrence(cancelled, request.app[CONFIG].join_window))


def setup(app: web.Application) -> None:
    app.router.add_get("/api/occurrences", browse)
    app.router.add_get(r"/api/occurrences/{id:\d+}", get_occurrence)
    app.router.add_patch(r"/api/occurrences/{id:\d+}", update_occurrence)
    app.router.add_delete(r"/api/occurrences/{id:\d+}", cancel_occurrence)
