"""Recurrence as RFC 5545 rules (python-dateutil), expanded in the session's own time zone.

A series repeats a wall-clock time: 18:00 in Europe/Berlin stays 18:00 there across a DST
change, so its UTC time moves. The rule is expanded from a DTSTART that carries the zone;
each instance gets the offset in force on its own date. A start that falls in a DST gap
(02:30 on the night clocks skip it) is read with the offset before the gap, as RFC 5545
says, and so happens at 03:30.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from itertools import islice
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from dateutil.rrule import rrulestr

from api.models.recurrence import MAX_COUNT, Recurrence, Repetition
from api.validation import invalid

NONE, WEEKLY, BIWEEKLY, MONTHLY = "none", "weekly", "biweekly", "monthly"
_RULES = {
    WEEKLY: "FREQ=WEEKLY;INTERVAL=1",
    BIWEEKLY: "FREQ=WEEKLY;INTERVAL=2",
    MONTHLY: "FREQ=MONTHLY;INTERVAL=1",
}
MAX_SPAN = timedelta(days=366)

Slot = tuple[datetime, datetime]


def zone(name: str) -> ZoneInfo:
    if name not in _zones():
        raise invalid(f"timezone must be an IANA time zone name like Europe/Berlin, got {name!r}")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise invalid(f"timezone {name!r} is not known on this server") from None


_ZONES: set[str] = set()


def _zones() -> set[str]:
    if not _ZONES:
        _ZONES.update(available_timezones())
    return _ZONES


def until_of(recurrence: Recurrence | None) -> date | None:
    """The last day a series asks for, if it gives one."""
    rule = recurrence.root if recurrence is not None else None
    return rule.until if isinstance(rule, Repetition) else None


def to_rrule(recurrence: Recurrence | None, starts_local: datetime, tz: ZoneInfo) -> str | None:
    """The RFC 5545 rule of a recurrence as sent (none: no rule, one meeting)."""
    repeat = recurrence.root if recurrence is not None else None
    if not isinstance(repeat, Repetition):
        return None
    rule = _RULES[repeat.frequency]
    if repeat.count is not None:
        return f"{rule};COUNT={repeat.count}"
    assert repeat.until is not None
    if repeat.until < starts_local.date():
        raise invalid("recurrence.until must not be before the first start")
    if repeat.until - starts_local.date() > MAX_SPAN:
        raise invalid("recurrence.until must be within a year of the first start")
    # RFC 5545: with a zoned DTSTART, UNTIL is given in UTC; the last day counts in full.
    end_of_day = datetime.combine(repeat.until, time(23, 59, 59), tzinfo=tz).astimezone(UTC)
    return f"{rule};UNTIL={end_of_day:%Y%m%dT%H%M%SZ}"


def describe(rrule: str | None, tz: ZoneInfo) -> dict[str, object]:
    """The recurrence object as the API shows it, read back from the stored rule."""
    if rrule is None:
        return {"frequency": NONE}
    parts = dict(part.split("=", 1) for part in rrule.split(";"))
    frequency = (
        MONTHLY
        if parts["FREQ"] == "MONTHLY"
        else (BIWEEKLY if parts.get("INTERVAL") == "2" else WEEKLY)
    )
    if "COUNT" in parts:
        return {"frequency": frequency, "count": int(parts["COUNT"])}
    until = datetime.strptime(parts["UNTIL"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    return {"frequency": frequency, "until": until.astimezone(tz).date().isoformat()}


def slots(
    starts_local: datetime, tz: ZoneInfo, rrule: str | None, duration_minutes: int
) -> list[Slot]:
    """Every (start, end) of the series, in UTC."""
    first = starts_local.replace(tzinfo=tz)
    rule = [first] if rrule is None else rrulestr(rrule, dtstart=first)
    starts = list(islice(rule, MAX_COUNT + 1))
    if len(starts) > MAX_COUNT:
        raise invalid(f"a series can have at most {MAX_COUNT} occurrences")
    length = timedelta(minutes=duration_minutes)
    # Adding the duration in UTC: a meeting that spans a DST change still lasts as long.
    return [(s.astimezone(UTC), s.astimezone(UTC) + length) for s in starts]


def wall_clock(moment: datetime, tz: ZoneInfo) -> datetime:
    """The naive local time of ``moment`` in ``tz`` (what a series repeats)."""
    return moment.astimezone(tz).replace(tzinfo=None, microsecond=0)
