"""Recurrence as RFC 5545 rules (python-dateutil), expanded in the session's own time zone.

A series repeats a wall-clock time: 18:00 in Europe/Berlin stays 18:00 there across a DST
change, so its UTC time moves. The rule is expanded from a DTSTART that carries the zone;
each instance gets the offset in force on its own date. A start that falls in a DST gap
(02:30 on the night clocks skip it) is read with the offset before the gap, as RFC 5545
says, and so happens at 03:30.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import islice
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from dateutil.rrule import rrulestr

from api.validation import Fields, invalid

NONE, WEEKLY, BIWEEKLY, MONTHLY = "none", "weekly", "biweekly", "monthly"
FREQUENCIES = (NONE, WEEKLY, BIWEEKLY, MONTHLY)
_RULES = {
    WEEKLY: "FREQ=WEEKLY;INTERVAL=1",
    BIWEEKLY: "FREQ=WEEKLY;INTERVAL=2",
    MONTHLY: "FREQ=MONTHLY;INTERVAL=1",
}
MAX_COUNT = 200
MAX_SPAN = timedelta(days=366)

Slot = tuple[datetime, datetime]


@dataclass(frozen=True)
class Recurrence:
    frequency: str
    count: int | None = None
    until: date | None = None


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


def read(fields: Fields | None) -> Recurrence:
    """``{"frequency": "weekly", "count": 10}`` or ``{..., "until": "2026-12-31"}``."""
    if fields is None:
        return Recurrence(NONE)
    frequency = fields.choice("recurrence.frequency", FREQUENCIES, required=True) or NONE
    count = fields.integer("recurrence.count", minimum=1, maximum=MAX_COUNT)
    until_text = fields.text("recurrence.until", max_length=10)
    fields.done()
    until = None
    if until_text is not None:
        try:
            until = date.fromisoformat(until_text)
        except ValueError:
            raise invalid("recurrence.until must be a date like 2026-12-31") from None
    if frequency == NONE:
        if count is not None or until is not None:
            raise invalid("recurrence.count and recurrence.until need a frequency other than none")
        return Recurrence(NONE)
    if (count is None) == (until is None):
        raise invalid(
            "a recurring session needs exactly one end: recurrence.count (at most "
            f"{MAX_COUNT}) or recurrence.until (within a year of the start)"
        )
    return Recurrence(frequency, count, until)


def to_rrule(recurrence: Recurrence, starts_local: datetime, tz: ZoneInfo) -> str | None:
    if recurrence.frequency == NONE:
        return None
    rule = _RULES[recurrence.frequency]
    if recurrence.count is not None:
        return f"{rule};COUNT={recurrence.count}"
    assert recurrence.until is not None
    if recurrence.until < starts_local.date():
        raise invalid("recurrence.until must not be before the first start")
    if recurrence.until - starts_local.date() > MAX_SPAN:
        raise invalid("recurrence.until must be within a year of the first start")
    # RFC 5545: with a zoned DTSTART, UNTIL is given in UTC; the last day counts in full.
    end_of_day = datetime.combine(recurrence.until, time(23, 59, 59), tzinfo=tz).astimezone(UTC)
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
