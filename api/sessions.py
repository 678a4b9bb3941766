"""Sessions: a facilitator creates, edits and cancels one-time sessions and whole series."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from aiohttp import web

from api import recurrence, views
from api.authorization import require
from api.errors import ApiError
from api.keys import CONFIG, DB
from api.lookup import path_id, session_or_404
from api.models.queries import SessionQuery
from api.models.session_answers import Session as SessionShown
from api.models.session_answers import SessionPage
from api.models.sessions import SessionInput, SessionPatch
from api.responses import json_response
from api.validation import read_body, read_query, unprocessable
from colearn.languages import DEFAULT_LANGUAGE
from db import occurrences, sessions
from db.sessions import CapacityBelowBooked, Session, SessionFields


def _read_fields(
    body: SessionInput | SessionPatch, current: SessionFields | None
) -> tuple[SessionFields, bool]:
    """The session's fields after this request (what it leaves out stays as stored), and
    whether its schedule changes."""
    tz = recurrence.zone(body.timezone or (current.timezone if current else ""))
    if body.starts_at is not None:
        starts_local = recurrence.wall_clock(body.starts_at, tz)
    else:
        assert current is not None  # a new session has a start (SessionInput requires it)
        starts_local = current.starts_local  # the same wall-clock time, maybe in a new zone
    until = recurrence.until_of(body.recurrence)
    if until is not None:
        _check_until(until, starts_local.date())
    new_rule = body.recurrence is not None or current is None
    rrule = recurrence.to_rrule(body.recurrence, starts_local, tz) if new_rule else None

    def kept(value: Any, name: str, default: Any) -> Any:
        if value is not None:
            return value
        return getattr(current, name) if current else default

    fields = SessionFields(
        title=body.title or (current.title if current else ""),  # a blank one keeps it
        description=kept(body.description, "description", ""),
        level=kept(body.level, "level", ""),
        topic=kept(body.topic, "topic", ""),
        timezone=tz.key,
        starts_local=starts_local,
        duration_minutes=kept(body.duration_minutes, "duration_minutes", 0),
        capacity=kept(body.capacity, "capacity", 0),
        rrule=rrule if new_rule else (current.rrule if current else None),
        language=kept(body.language, "language", DEFAULT_LANGUAGE),
    )
    timing = ("timezone", "starts_local", "duration_minutes", "rrule")
    changed = current is not None and any(getattr(fields, n) != getattr(current, n) for n in timing)
    return fields, changed


def _check_until(until: date, first_day: date) -> None:
    """recurrence.until against the first start: a rule of the service, not of the schema."""
    if until < first_day:
        raise unprocessable(
            "until_out_of_range", "recurrence.until must not be before the first start"
        )
    if until - first_day > recurrence.MAX_SPAN:
        raise unprocessable(
            "until_out_of_range", "recurrence.until must be within a year of the first start"
        )


def starts_in_past() -> ApiError:
    return unprocessable("starts_in_past", "starts_at must be in the future")


async def _view(request: web.Request, found: Session) -> SessionShown:
    tz = recurrence.zone(found.fields.timezone)
    shown = views.session(found, recurrence.describe(found.fields.rrule, tz))
    listed = await occurrences.of_session(request.app[DB], found.id)
    shown["occurrences"] = [views.occurrence(o, request.app[CONFIG].join_window) for o in listed]
    return shown


def _capacity_refused(exc: CapacityBelowBooked) -> ApiError:
    return ApiError(
        409,
        "capacity_below_booked",
        f"capacity cannot be lower than the {exc.booked} seats already booked in "
        f"occurrence {exc.occurrence_id}.",
    )


async def create_session(request: web.Request) -> web.Response:
    user = await require(request, "session.create")
    fields, _ = _read_fields(await read_body(request, SessionInput), None)
    now = request.app[CONFIG].clock()
    tz = recurrence.zone(fields.timezone)
    slots = recurrence.slots(fields.starts_local, tz, fields.rrule, fields.duration_minutes)
    if slots[0][0] <= now:
        raise starts_in_past()
    session_id = await request.app[DB].write(sessions.create, user.id, fields, slots)
    created = await session_or_404(request, session_id)
    return json_response(await _view(request, created), status=201)


async def get_session(request: web.Request) -> web.Response:
    found = await session_or_404(request, path_id(request))
    return json_response(await _view(request, found))


async def list_sessions(request: web.Request) -> web.Response:
    q = read_query(request, SessionQuery)
    facilitator_id, limit, cursor = q.facilitator_id, q.limit, int(q.cursor or 0)
    found = await sessions.sessions(
        request.app[DB], facilitator_id=facilitator_id, after_id=cursor, limit=limit + 1
    )
    items = [
        views.session(s, recurrence.describe(s.fields.rrule, recurrence.zone(s.fields.timezone)))
        for s in found[:limit]
    ]
    next_cursor = str(found[limit - 1].id) if len(found) > limit else None
    page: SessionPage = {"items": items, "next_cursor": next_cursor}
    return json_response(page)


async def update_session(request: web.Request) -> web.Response:
    found = await session_or_404(request, path_id(request))
    await require(request, "session.edit", found)
    body = await read_body(request, SessionPatch, required=True)
    fields, reschedule = _read_fields(body, found.fields)
    now: datetime = request.app[CONFIG].clock()
    tz = recurrence.zone(fields.timezone)
    slots = recurrence.slots(fields.starts_local, tz, fields.rrule, fields.duration_minutes)
    if reschedule and all(start <= now for start, _ in slots):
        raise starts_in_past()  # a new schedule with no meeting still to come
    changes = {
        name: getattr(fields, name)
        for name in SessionFields.__dataclass_fields__
        if getattr(fields, name) != getattr(found.fields, name)
    }
    try:
        await request.app[DB].write(
            sessions.edit, found.id, changes, slots if reschedule else None, now
        )
    except sessions.NotActive:
        raise ApiError(
            409, "session_cancelled", "This session is cancelled; it cannot be edited."
        ) from None
    except CapacityBelowBooked as exc:
        raise _capacity_refused(exc) from None
    return json_response(await _view(request, await session_or_404(request, found.id)))


async def cancel_session(request: web.Request) -> web.Response:
    found = await session_or_404(request, path_id(request))
    await require(request, "session.cancel", found)
    await request.app[DB].write(sessions.cancel, found.id, request.app[CONFIG].clock())
    return json_response(await _view(request, await session_or_404(request, found.id)))


def setup(app: web.Application) -> None:
    app.router.add_post("/api/sessions", create_session)
    app.router.add_get("/api/sessions", list_sessions)
    app.router.add_get(r"/api/sessions/{id:\d+}", get_session)
    app.router.add_patch(r"/api/sessions/{id:\d+}", update_session)
    app.router.add_delete(r"/api/sessions/{id:\d+}", cancel_session)
