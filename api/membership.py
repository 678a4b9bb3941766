"""Who may read what happened in an occurrence: its facilitator and the people booked into it."""

from __future__ import annotations

from aiohttp import web

from api.auth import require_user
from api.errors import ApiError
from api.keys import DB
from api.lookup import occurrence_or_404, path_id
from db import booking_reads, bookings
from db.accounts import User
from db.occurrences import Occurrence


async def require_member(request: web.Request) -> tuple[User, Occurrence]:
    """The signed-in user and the occurrence named in the path, if they belong to it."""
    user = await require_user(request)
    occurrence = await occurrence_or_404(request, path_id(request))
    if user.id == occurrence.facilitator_id:
        return user, occurrence
    booked = await booking_reads.booking_of(request.app[DB], occurrence.id, user.id)
    if booked is None or booked.status != bookings.BOOKED:
        raise ApiError(
            403,
            "not_a_member",
            "Only the facilitator and the people booked into this occurrence can see this.",
        )
    return user, occurrence
