"""How instants are stored: UTC ISO-8601 text with milliseconds, as the schema's defaults.

One fixed format makes text comparison in SQL the same as time comparison.
"""

from __future__ import annotations

from datetime import UTC, datetime

# the last instant written and its text: one change stores the same ``now`` several times
_last: tuple[datetime | None, str] = (None, "")


def to_db(moment: datetime) -> str:
    global _last
    last, text = _last
    if moment is last:
        return text
    if moment.tzinfo is None:
        raise ValueError("a stored time must be timezone-aware")
    # isoformat, not strftime: a third of the cost, and it pads years before 1000
    text = moment.astimezone(UTC).isoformat(timespec="milliseconds")[:23] + "Z"
    _last = (moment, text)
    return text


def from_db(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def maybe_from_db(text: str | None) -> datetime | None:
    return None if text is None else from_db(text)
