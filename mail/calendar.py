"""The iCalendar attachment (RFC 5545/5546): one calendar entry per occurrence or series.

METHOD:REQUEST adds or updates the entry, METHOD:CANCEL removes it; both name it by its UID
and are ordered by SEQUENCE (fixed when the mail was written, see ``db.outbox``), so a
calendar program keeps one entry per meeting however many mails arrive. A series is one
event with the session's RRULE, an EXDATE for each cancelled occurrence and an override
(RECURRENCE-ID) for each one moved on its own. Times carry the session's time zone with
its VTIMEZONE, so 18:00 Berlin stays 18:00 Berlin across DST in every calendar.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone, vCalAddress, vRecur, vText

from db import occurrences
from db.occurrences import Occurrence
from mail.facts import Facts

PRODID = "-//Co~Learn//Co~Learn mail//EN"


def _address(email: str, name: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    address.params["CN"] = vText(name)
    return address


def _event(facts: Facts, uid: str, stamp: datetime, organizer: str, link: str) -> Event:
    mail = facts.mail
    event = Event()
    event.add("uid", uid)
    event.add("sequence", mail.ical_sequence)
    event.add("dtstamp", stamp)
    event.add("summary", facts.session.fields.title)
    if facts.session.fields.description:
        event.add("description", f"{facts.session.fields.description}\n\n{link}")
    else:
        event.add("description", link)
    event.add("url", link)
    event.add("location", link)
    event.add("organizer", _address(organizer, facts.session.facilitator_name))
    event.add("attendee", vCalAddress(f"mailto:{mail.recipient}"))
    event.add("status", "CANCELLED" if mail.ical_method == "CANCEL" else "CONFIRMED")
    return event


def _times(event: Event, occurrence: Occurrence, tz: ZoneInfo) -> None:
    event.add("dtstart", occurrence.starts_at.astimezone(tz))
    event.add("dtend", occurrence.ends_at.astimezone(tz))


def _series(event: Event, facts: Facts, tz: ZoneInfo) -> None:
    fields = facts.session.fields
    first = fields.starts_local.replace(tzinfo=tz)
    event.add("dtstart", first)
    event.add("dtend", first + timedelta(minutes=fields.duration_minutes))
    if fields.rrule:
        event.add("rrule", vRecur.from_ical(fields.rrule))
    skipped = [
        o.original_starts_at.astimezone(tz)
        for o in facts.series
        if o.status == occurrences.CANCELLED
    ]
    if skipped:
        event.add("exdate", skipped)


def _instances(
    facts: Facts,
    moved: list[Occurrence],
    uid: str,
    stamp: datetime,
    organizer: str,
    link: str,
    tz: ZoneInfo,
) -> list[Event]:
    """Instances of the series at times of their own (RECURRENCE-ID: where the rule put them)."""
    instances = []
    for occurrence in moved:
        event = _event(facts, uid, stamp, organizer, link)
        event.add("recurrence-id", occurrence.original_starts_at.astimezone(tz))
        _times(event, occurrence, tz)
        instances.append(event)
    return instances


def _events(
    facts: Facts, uid: str, stamp: datetime, organizer: str, link: str, tz: ZoneInfo
) -> list[Event]:
    """The events of the .ics, the one the mail is about first: a meeting, one instance of
    a series, several instances a reschedule moved, or the series with its instances moved
    on their own."""
    mail = facts.mail
    if facts.moved:
        return _instances(facts, facts.moved, uid, stamp, organizer, link, tz)
    event = _event(facts, uid, stamp, organizer, link)
    if mail.ical_recurrence is not None:  # one instance of a series the person holds
        event.add("recurrence-id", mail.ical_recurrence.astimezone(tz))
        assert facts.occurrence is not None
        _times(event, facts.occurrence, tz)
    elif mail.ical_uid.startswith("session-"):
        _series(event, facts, tz)
        if mail.ical_method == "REQUEST":
            # instances moved or resized on their own
            alone = [o for o in facts.series if o.status == occurrences.SCHEDULED and o.detached]
            return [event, *_instances(facts, alone, uid, stamp, organizer, link, tz)]
    else:
        assert facts.occurrence is not None
        _times(event, facts.occurrence, tz)
    return [event]


def calendar(facts: Facts, *, organizer: str, host: str, link: str, stamp: datetime) -> bytes:
    """The .ics for this mail: ``organizer`` is our sender address, ``host`` names UIDs."""
    mail = facts.mail
    tz = ZoneInfo(facts.session.fields.timezone)
    uid = f"{mail.ical_uid}@{host}"
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", mail.ical_method)
    for event in _events(facts, uid, stamp, organizer, link, tz):
        cal.add_component(event)
    years = [o.starts_at.year for o in facts.series] or [stamp.year]
    cal.add_component(_vtimezone(tz.key, min(years), max(years) + 2))
    return cal.to_ical()


@cache
def _vtimezone(name: str, first_year: int, last_year: int) -> Timezone:
    """The zone's rules over the series' years (working them out is most of a mail's cost)."""
    return Timezone.from_tzinfo(ZoneInfo(name), name, date(first_year, 1, 1), date(last_year, 1, 1))
