"""Failed sign-ins are limited per account and per client address, over a sliding window.

An attempt is counted as a failure before its password is checked and forgiven when it
succeeds, so a burst of parallel guesses cannot slip past the limit together.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

import aiosqlite

from api.errors import ApiError
from db import accounts

WINDOW = timedelta(minutes=15)
PER_ACCOUNT = 5
PER_ADDRESS = 20


def _retry_after(times: list[datetime], limit: int, now: datetime) -> float | None:
    """Seconds until fewer than ``limit`` failures remain in the window, if at the limit."""
    if len(times) < limit:
        return None
    return (times[limit - 1] + WINDOW - now).total_seconds()


async def begin_attempt(
    conn: aiosqlite.Connection, *, email: str, address: str, now: datetime
) -> None:
    """Refuse (429) if over a limit; otherwise count this attempt as failed until it succeeds."""
    by_email, by_address = await accounts.failures_since(
        conn, email=email, address=address, since=now - WINDOW
    )
    wait_email = _retry_after(by_email, PER_ACCOUNT, now)
    wait_address = _retry_after(by_address, PER_ADDRESS, now)
    if wait_email is not None or wait_address is not None:
        seconds = max(1, math.ceil(max(w for w in (wait_email, wait_address) if w is not None)))
        whom = "this account" if wait_email is not None else "your address"
        raise ApiError(
            429,
            "too_many_attempts",
            f"Too many failed sign-ins for {whom}; try again in {seconds} seconds.",
            headers={"Retry-After": str(seconds)},
        )
    await accounts.record_failure(
        conn, email=email, address=address, now=now, forget_before=now - WINDOW
    )


async def succeeded(conn: aiosqlite.Connection, email: str) -> None:
    await accounts.clear_failures(conn, email)
