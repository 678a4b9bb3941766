"""Spaced-repetition review of the signed-in learner's cards (FSRS, ``vocab/schedule.py``).

- ``GET /api/me/review``: the cards due now (``limit``), with ``due_count`` and ``total``;
- ``GET /api/me/review/count``: ``due_count`` and ``total`` alone (the dashboard's badge);
- ``POST /api/me/review/{id}``: ``{"rating": "again"|"hard"|"good"|"easy"}``; the card
  with its next due time. A card not due yet is a 409 ``not_due`` (nothing changes).
"""

from __future__ import annotations

from aiohttp import web

from api.auth import require_user
from api.errors import ApiError
from api.keys import CONFIG, DB
from api.lookup import path_id
from api.models.learning import ReviewAnswer, ReviewCount, ReviewDue, ReviewRating
from api.models.queries import ReviewQuery
from api.responses import json_response
from api.validation import read_body, read_query
from db import review
from db.times import to_db


async def due_cards(request: web.Request) -> web.Response:
    user = await require_user(request)
    limit = read_query(request, ReviewQuery).limit
    now = request.app[CONFIG].clock()
    count, cards = await review.due(request.app[DB], user.id, now, limit)
    _due, total = await review.counts(request.app[DB], user.id, now)
    answer: ReviewDue = {
        "due_count": count,
        "total": total,
        "cards": [c.as_json() for c in cards],
    }
    return json_response(answer)


async def due_count(request: web.Request) -> web.Response:
    user = await require_user(request)
    count, total = await review.counts(request.app[DB], user.id, request.app[CONFIG].clock())
    answer: ReviewCount = {"due_count": count, "total": total}
    return json_response(answer)


async def answer(request: web.Request) -> web.Response:
    user = await require_user(request)
    card_id = path_id(request)
    rating = (await read_body(request, ReviewRating)).rating
    now = request.app[CONFIG].clock()
    try:
        card = await request.app[DB].write(review.answer, user.id, card_id, rating, now)
    except review.NotDue as exc:
        raise ApiError(
            409, "not_due", f"Card {card_id} is not due until {to_db(exc.due)}; nothing changed."
        ) from None
    if card is None:
        raise ApiError(404, "not_found", f"There is no card {card_id} among yours.")
    count, _total = await review.counts(request.app[DB], user.id, now)
    answer: ReviewAnswer = {"card": card.as_json(), "due_count": count}
    return json_response(answer)


def setup(app: web.Application) -> None:
    app.router.add_get("/api/me/review", due_cards)
    app.router.add_get("/api/me/review/count", due_count)
    app.router.add_post(r"/api/me/review/{id:\d+}", answer)
