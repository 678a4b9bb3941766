"""Booking: a seat in one occurrence or a whole series, the waitlist, cancelling."""

from __future__ import annotations

from aiohttp import web

from api import views
from api.account_care import require_verified
from api.auth import require_user
from api.authorization import require
from api.errors import ApiError
from api.keys import CONFIG, DB
from api.lookup import occurrence_or_404, path_id
from api.metrics import BOOKINGS_MADE, BOOKINGS_REFUSED
from api.models.session_answers import BookingList, MyBookings, Roster
from api.models.sessions import EmptyBody
from api.responses import json_response
from api.validation import read_body
from db import booking_reads, bookings, cancellations, series_bookings


def _refused(exc: bookings.Refused, occurrence_id: int) -> ApiError:
    error = _refusal(exc, occurrence_id)
    BOOKINGS_REFUSED.labels(error.code).inc()
    return error


def _refusal(exc: bookings.Refused, occurrence_id: int) -> ApiError:
    if isinstance(exc, bookings.OccurrenceFull):
        return ApiError(
            409,
            "occurrence_full",
            f"Occurrence {occurrence_id} is full: {exc.booked} of {exc.capacity} seats are "
            f"booked. Join the waitlist with POST /api/occurrences/{occurrence_id}/waitlist "
            "and you get the first seat that frees.",
        )
    if isinstance(exc, bookings.OccurrenceCancelled):
        return ApiError(409, "occurrence_cancelled", "This occurrence is cancelled.")
    if isinstance(exc, bookings.OccurrenceEnded):
        return ApiError(409, "occurrence_ended", "This occurrence has already ended.")
    if isinstance(exc, bookings.NothingToBook):
        return ApiError(409, "nothing_to_book", "This session has no occurrence left to book.")
    if isinstance(exc, bookings.SessionCancelled):
        return ApiError(409, "session_cancelled", "This session is cancelled.")
    if isinstance(exc, bookings.NoSuchSession):
        return ApiError(404, "not_found", f"There is no session {exc.args[0]}.")
    return ApiError(404, "not_found", f"There is no occurrence {occurrence_id}.")


def _not_own(exc: Exception, booking_id: int) -> ApiError:
    if isinstance(exc, booking_reads.NotYours):
        return ApiError(403, "not_yours", "You can only see and cancel your own bookings.")
    return ApiError(404, "not_found", f"There is no booking {booking_id}.")


async def _book(request: web.Request, *, waitlist: bool) -> web.Response:
    user = await require(request, "occurrence.book")
    await require_verified(request, user, "book seats")
    occurrence_id = path_id(request)
    await read_body(request, EmptyBody)
    now = request.app[CONFIG].clock()
    try:
        outcome = await request.app[DB].write(bookings.book, occurrence_id, user.id, now, waitlist)
    except bookings.Refused as exc:
        raise _refused(exc, occurrence_id) from None
    if outcome.changed:
        BOOKINGS_MADE.labels(outcome.booking.status).inc()
    return _answer(request, outcome, 201 if outcome.changed else 200)


def _answer(request: web.Request, outcome: bookings.Outcome, status: int) -> web.Response:
    window = request.app[CONFIG].join_window
    return json_response(
        views.booking_with_occurrence(outcome.booking, outcome.occurrence, window), status=status
    )


async def book(request: web.Request) -> web.Response:
    return await _book(request, waitlist=False)


async def join_waitlist(request: web.Request) -> web.Response:
    return await _book(request, waitlist=True)


async def book_series(request: web.Request) -> web.Response:
    user = await require(request, "session.book")
    await require_verified(request, user, "book seats")
    session_id = path_id(request)
    await read_body(request, EmptyBody)
    now = request.app[CONFIG].clock()
    try:
        made = await request.app[DB].write(series_bookings.book_session, session_id, user.id, now)
    except bookings.Refused as exc:
        raise _refused(exc, 0) from None
    for outcome in made:
        if outcome.changed:
            BOOKINGS_MADE.labels(outcome.booking.status).inc()
    status = 201 if any(outcome.changed for outcome in made) else 200
    answer: BookingList = {"items": [views.booking(o.booking) for o in made]}
    return json_response(answer, status=status)


async def my_bookings(request: web.Request) -> web.Response:
    user = await require_user(request)
    mine = await booking_reads.of_user(request.app[DB], user.id)
    window = request.app[CONFIG].join_window
    # a cancelled occurrence shows here too: that is how its people see it was cancelled
    answer: MyBookings = {
        "items": [views.booking_with_occurrence(m.booking, m.occurrence, window) for m in mine]
    }
    return json_response(answer)


async def get_booking(request: web.Request) -> web.Response:
    user = await require_user(request)
    booking_id = path_id(request)
    try:
        found = await booking_reads.own_booking(request.app[DB], booking_id, user.id)
    except (booking_reads.NoSuchBooking, booking_reads.NotYours) as exc:
        raise _not_own(exc, booking_id) from None
    return _answer(request, found, 200)


async def cancel_booking(request: web.Request) -> web.Response:
    user = await require_user(request)
    booking_id = path_id(request)
    now = request.app[CONFIG].clock()
    try:
        done = await request.app[DB].write(cancellations.cancel, booking_id, user.id, now)
    except (booking_reads.NoSuchBooking, booking_reads.NotYours) as exc:
        raise _not_own(exc, booking_id) from None
    except bookings.Refused as exc:
        raise _refused(exc, 0) from None
    return _answer(request, done, 200)


async def roster(request: web.Request) -> web.Response:
    occurrence = await occurrence_or_404(request, path_id(request))
    await require(request, "occurrence.roster", occurrence)
    entries = await booking_reads.roster(request.app[DB], occurrence.id)
    answer: Roster = {"items": [views.roster_entry(e) for e in entries]}
    return json_response(answer)


def setup(app: web.Application) -> None:
    app.router.add_post(r"/api/occurrences/{id:\d+}/bookings", book)
    app.router.add_get(r"/api/occurrences/{id:\d+}/bookings", roster)
    app.router.add_post(r"/api/occurrences/{id:\d+}/waitlist", join_waitlist)
    app.router.add_post(r"/api/sessions/{id:\d+}/bookings", book_series)
    app.router.add_get("/api/bookings", my_bookings)
    app.router.add_get(r"/api/bookings/{id:\d+}", get_booking)
    app.router.add_delete(r"/api/bookings/{id:\d+}", cancel_booking)
