"""How instants are stored: UTC ISO-8601 text with milliseconds, as the schema's defaults.

One fixed format makes text comparison in SQL the same as time comparison.
"""

from __future__ import annotations

from datetime import UTC, datetime


def to_db(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("a stored time must be timezone-aware")
    utc = moment.astimezone(UTC)
    return f"{utc:%Y-%m-%dT%H:%M:%S}.{utc.microsecond // 1000:03d}Z"


def from_db(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def maybe_from_db(text: str | None) -> datetime | None:
    return None if text is None else from_db(text)
