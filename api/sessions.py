"""Sessions: a facilitator creates, edits and cancels one-time sessions and whole series."""

from __future__ import annotations

from datetime import date, datetime

from aiohttp import web

from api import recurrence, views
from api.authorization import require
from api.errors import ApiError
from api.keys import CONFIG, DB
from api.lookup import path_id, session_or_404
from api.responses import json_response
from api.validation import Fields, changes_body, json_body, query, unprocessable
from colearn.languages import DEFAULT_LANGUAGE, WHISPER_LANGUAGES
from db import occurrences, sessions
from db.sessions import CapacityBelowBooked, Session, SessionFields

LEVELS = ("A1", "A2", "B1", "B2", "C1", "C2")  # CEFR; an empty level means "any level"
MAX_TITLE, MAX_DESCRIPTION, MAX_TOPIC = 120, 4000, 60
MIN_DURATION, MAX_DURATION = 5, 480
MAX_CAPACITY = 500
LANGUAGE_RULE = "a language code Whisper knows, such as 'en', 'es' or 'fr'"
PAGE_LIMIT = 100


def _read_fields(body: Fields, current: SessionFields | None) -> tuple[SessionFields, bool]:
    """The session's fields after this request, and whether its schedule changes."""
    creating = current is None
    title = body.text("title", required=creating, max_length=MAX_TITLE)
    description = body.text("description", max_length=MAX_DESCRIPTION)
    level = body.choice("level", ("", *LEVELS))
    topic = body.text("topic", max_length=MAX_TOPIC)
    language = body.code("language", WHISPER_LANGUAGES, what=LANGUAGE_RULE)
    tz_name = body.text("timezone", required=creating, max_length=64)
    starts_at = body.instant("starts_at", required=creating)
    duration = body.integer(
        "duration_minutes", minimum=MIN_DURATION, maximum=MAX_DURATION, required=creating
    )
    capacity = body.integer("capacity", minimum=1, maximum=MAX_CAPACITY, required=creating)
    repeat = body.nested("recurrence")
    given_recurrence = repeat is not None
    rule = recurrence.read(repeat)
    body.done()
    tz = recurrence.zone(tz_name or (current.timezone if current else ""))
    if starts_at is not None:
        starts_local = recurrence.wall_clock(starts_at, tz)
    else:
        assert current is not None  # a new session has a start (checked above)
        starts_local = current.starts_local  # the same wall-clock time, maybe in a new zone
    if rule.until is not None:
        _check_until(rule.until, starts_local.date())
    rrule = recurrence.to_rrule(rule, starts_local, tz) if given_recurrence or creating else None
    fields = SessionFields(
        title=title or (current.title if current else ""),
        description=description
        if description is not None
        else (current.description if current else ""),
        level=level if level is not None else (current.level if current else ""),
        topic=topic if topic is not None else (current.topic if current else ""),
        timezone=tz.key,
        starts_local=starts_local,
        duration_minutes=duration or (current.duration_minutes if current else 0),
        capacity=capacity or (current.capacity if current else 0),
        rrule=rrule if (given_recurrence or creating) else (current.rrule if current else None),
        language=language or (current.language if current else DEFAULT_LANGUAGE),
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


async def _view(request: web.Request, found: Session) -> dict[str, object]:
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
    fields, _ = _read_fields(await json_body(request), None)
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
    q = query(request)
    facilitator_id = q.integer("facilitator_id", minimum=1, maximum=2**62)
    limit = q.integer("limit", minimum=1, maximum=PAGE_LIMIT) or 20
    cursor = q.integer("cursor", minimum=0, maximum=2**62) or 0
    q.done()
    found = await sessions.sessions(
        request.app[DB], facilitator_id=facilitator_id, after_id=cursor, limit=limit + 1
    )
    items = [
        views.session(s, recurrence.describe(s.fields.rrule, recurrence.zone(s.fields.timezone)))
        for s in found[:limit]
    ]
    next_cursor = str(found[limit - 1].id) if len(found) > limit else None
    return json_response({"items": items, "next_cursor": next_cursor})


async def update_session(request: web.Request) -> web.Response:
    found = await session_or_404(request, path_id(request))
    await require(request, "session.edit", found)
    fields, reschedule = _read_fields(await changes_body(request), found.fields)
    now: datetime = request.app[CONFIG].clock()
    tz = recurrence.zone(fields.timezone)
    slots = recurrence.slots(fields.starts_local, tz, fields.rrule, fields.duration_minutes)
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
