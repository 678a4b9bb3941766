"""Each kind of mail reaches a real SMTP server with the right recipient, subject, text and
a calendar entry that calendar programs read back right (icalendar parses it here)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest_asyncio
from icalendar import Calendar, Event

from tests.support.api_client import Actor, Api, running_api
from tests.support.smtp import Received, SmtpServer, mail_config

BERLIN = ZoneInfo("Europe/Berlin")
FIRST_START = "2026-03-03T18:00:00+01:00"  # a Tuesday, 18:00 Berlin (17:00 UTC)


@pytest_asyncio.fixture(loop_scope="session")
async def api(db_url: str, smtp_server: SmtpServer) -> AsyncIterator[Api]:
    async with running_api(db_url, mail=mail_config(smtp_server)) as harness:
        yield harness


async def _move(api: Api, facilitator: Actor, occurrence: int, starts_at: str) -> None:
    moved = await api.call(
        "PATCH", f"/api/occurrences/{occurrence}", as_=facilitator, json={"starts_at": starts_at}
    )
    assert moved.status == 200, moved.body


def _event(mail: Received, method: str) -> Event:
    ics, params = mail.calendar()
    assert params["method"] == method
    calendar = Calendar.from_ical(ics)
    assert calendar["METHOD"] == method
    events = calendar.walk("VEVENT")
    assert events, "no VEVENT"
    return events[0]


async def _book(api: Api, occurrence: int, who: Actor) -> dict[str, object]:
    reply = await api.call("POST", f"/api/occurrences/{occurrence}/bookings", as_=who)
    assert reply.status == 201, reply.body
    return dict(reply.body)


async def test_a_booking_is_confirmed_with_a_calendar_entry_at_the_local_start(
    api: Api, smtp_server: SmtpServer
) -> None:
    ada = await api.register("facilitator", name="Ada")
    session = await api.create_session(ada, title="Travel talk", starts_at=FIRST_START)
    lee = await api.register(name="Lee")
    await _book(api, session["occurrences"][0]["id"], lee)

    [mail] = await smtp_server.inbox.wait_for(1)
    assert mail.rcpt_tos == [lee.email] and mail.message["To"] == lee.email
    assert mail.subject == "Booked: Travel talk, Tuesday 3 March 2026, 18:00-19:00 (Europe/Berlin)"
    assert "You are booked for Travel talk" in mail.text() and "with Ada" in mail.text()
    assert "http://colearn.test/room/" in mail.text() and "Join the meeting" in mail.html()
    event = _event(mail, "REQUEST")
    start = event.decoded("DTSTART")
    assert start == datetime(2026, 3, 3, 18, 0, tzinfo=BERLIN)
    assert str(start.tzinfo) == "Europe/Berlin"
    assert event.decoded("DTEND") == datetime(2026, 3, 3, 19, 0, tzinfo=BERLIN)
    assert str(event["UID"]).startswith("occurrence-") and event["SUMMARY"] == "Travel talk"


async def test_a_series_booking_is_one_recurring_event_and_a_cancelled_meeting_its_cancel(
    api: Api, smtp_server: SmtpServer
) -> None:
    ada = await api.register("facilitator", name="Ada")
    session = await api.create_session(
        ada, starts_at=FIRST_START, recurrence={"frequency": "weekly", "count": 6}
    )
    lee = await api.register()
    booked = await api.call("POST", f"/api/sessions/{session['id']}/bookings", as_=lee)
    assert booked.status == 201
    [confirmed] = await smtp_server.inbox.wait_for(1)
    series = _event(confirmed, "REQUEST")
    assert series["RRULE"].to_ical() == b"FREQ=WEEKLY;COUNT=6;INTERVAL=1"
    assert series.decoded("DTSTART") == datetime(2026, 3, 3, 18, 0, tzinfo=BERLIN)
    assert confirmed.subject.startswith("Booked: Conversation club (series, next: Tuesday 3 March")

    # The fourth meeting falls after the switch to summer time: still 18:00 in Berlin.
    fourth = session["occurrences"][3]["id"]
    cancelled = await api.call("DELETE", f"/api/occurrences/{fourth}", as_=ada)
    assert cancelled.status == 200
    [_, cancel] = await smtp_server.inbox.wait_for(2)
    assert cancel.rcpt_tos == [lee.email]
    assert cancel.subject.startswith("Cancelled: Conversation club, Tuesday 24 March 2026, 18:00")
    assert "Ada cancelled this meeting" in cancel.text()
    instance = _event(cancel, "CANCEL")
    assert instance["UID"] == series["UID"]  # the same calendar entry, one instance of it
    assert instance.decoded("RECURRENCE-ID") == datetime(2026, 3, 24, 18, 0, tzinfo=BERLIN)
    assert instance["STATUS"] == "CANCELLED"
    assert instance["SEQUENCE"] > series["SEQUENCE"]

    # The second meeting moves to the Thursday: that one instance of the entry changes.
    second = session["occurrences"][1]["id"]
    await _move(api, ada, second, "2026-03-12T18:00:00+01:00")
    [*_, update] = await smtp_server.inbox.wait_for(3)
    assert update.subject.startswith("New time: Conversation club, Thursday 12 March 2026, 18:00")
    changed = _event(update, "REQUEST")
    assert changed["UID"] == series["UID"]
    assert changed.decoded("RECURRENCE-ID") == datetime(2026, 3, 10, 18, 0, tzinfo=BERLIN)
    assert changed.decoded("DTSTART") == datetime(2026, 3, 12, 18, 0, tzinfo=BERLIN)
    assert changed["SEQUENCE"] > instance["SEQUENCE"]


async def test_cancelling_a_booking_cancels_its_calendar_entry(
    api: Api, smtp_server: SmtpServer
) -> None:
    ada = await api.register("facilitator")
    session = await api.create_session(ada, starts_at=FIRST_START)
    lee = await api.register()
    booking = await _book(api, session["occurrences"][0]["id"], lee)
    await api.call("DELETE", f"/api/bookings/{booking['id']}", as_=lee)
    confirmed, cancelled = await smtp_server.inbox.wait_for(2)
    assert cancelled.subject.startswith("Cancelled: your seat at Conversation club")
    request, cancel = _event(confirmed, "REQUEST"), _event(cancelled, "CANCEL")
    assert cancel["UID"] == request["UID"] and cancel["SEQUENCE"] > request["SEQUENCE"]


async def test_moving_a_meeting_updates_the_calendar_entry_of_those_booked(
    api: Api, smtp_server: SmtpServer
) -> None:
    ada = await api.register("facilitator", name="Ada")
    session = await api.create_session(ada, title="Travel talk", starts_at=FIRST_START)
    occurrence = session["occurrences"][0]["id"]
    lee = await api.register(name="Lee")
    await _book(api, occurrence, lee)
    await _move(api, ada, occurrence, "2026-03-04T19:30:00+01:00")
    confirmed, update = await smtp_server.inbox.wait_for(2)
    assert update.rcpt_tos == [lee.email]
    assert (
        update.subject
        == "New time: Travel talk, Wednesday 4 March 2026, 19:30-20:30 (Europe/Berlin)"
    )
    assert "Ada moved Travel talk to a new time" in update.text()
    before, after = _event(confirmed, "REQUEST"), _event(update, "REQUEST")
    assert after["UID"] == before["UID"] and after["SEQUENCE"] > before["SEQUENCE"]
    assert after.decoded("DTSTART") == datetime(2026, 3, 4, 19, 30, tzinfo=BERLIN)
    assert after.decoded("DTEND") == datetime(2026, 3, 4, 20, 30, tzinfo=BERLIN)


async def test_a_freed_seat_is_announced_to_the_first_in_line(
    api: Api, smtp_server: SmtpServer
) -> None:
    ada = await api.register("facilitator")
    occurrence = (await api.create_session(ada, capacity=1))["occurrences"][0]["id"]
    lee, kim = await api.register(), await api.register()
    booking = await _book(api, occurrence, lee)
    await api.call("POST", f"/api/occurrences/{occurrence}/waitlist", as_=kim)
    await api.call("DELETE", f"/api/bookings/{booking['id']}", as_=lee)
    await smtp_server.inbox.wait_for(3)
    [promoted] = smtp_server.inbox.to(kim.email)
    assert promoted.subject.startswith("You have a seat: Conversation club")
    assert "A seat freed and it is yours" in promoted.text()
    assert _event(promoted, "REQUEST").decoded("DTSTART").tzinfo is not None


async def test_a_reminder_comes_before_the_start_unless_turned_off(
    api: Api, smtp_server: SmtpServer
) -> None:
    ada = await api.register("facilitator")
    session = await api.create_session(ada, starts_at=FIRST_START)
    occurrence = session["occurrences"][0]["id"]
    lee, kim = await api.register(), await api.register()
    off = await api.call("PUT", "/api/me/mail", as_=kim, json={"reminders": False})
    assert off.status == 200 and off.body["reminders"] is False
    await _book(api, occurrence, lee)
    await _book(api, occurrence, kim)
    await smtp_server.inbox.wait_for(2)  # the two confirmations

    api.clock.now = datetime.fromisoformat("2026-03-03T16:01:00+00:00")  # 59 min before
    await smtp_server.inbox.wait_for(3)
    reminders = [m for m in smtp_server.inbox.received if m.subject.startswith("Starting soon")]
    assert [m.rcpt_tos for m in reminders] == [[lee.email]]
    assert "turn them off" in reminders[0].text().lower()
    assert _event(reminders[0], "REQUEST").decoded("DTSTART") == datetime(
        2026, 3, 3, 18, 0, tzinfo=BERLIN
    )
    settings = await api.call("GET", "/api/me/mail", as_=lee)
    assert (
        settings.body["reminders"] is True and "booking_confirmed" in settings.body["always_sent"]
    )


async def test_a_title_beyond_ascii_arrives_as_written(api: Api, smtp_server: SmtpServer) -> None:
    ada = await api.register("facilitator", name="Zoë")
    session = await api.create_session(ada, title="Café English: ça va?", starts_at=FIRST_START)
    lee = await api.register()
    await _book(api, session["occurrences"][0]["id"], lee)
    [mail] = await smtp_server.inbox.wait_for(1)
    assert mail.subject.startswith("Booked: Café English: ça va?, Tuesday 3 March 2026")
    assert "with Zoë" in mail.text() and "with Zo&#235;" not in mail.text()
    assert _event(mail, "REQUEST")["SUMMARY"] == "Café English: ça va?"


async def test_a_series_moved_as_a_whole_is_one_mail_to_who_holds_it(
    api: Api, smtp_server: SmtpServer
) -> None:
    ada = await api.register("facilitator", name="Ada")
    session = await api.create_session(
        ada, starts_at=FIRST_START, recurrence={"frequency": "weekly", "count": 4}
    )
    lee, kim = await api.register(name="Lee"), await api.register(name="Kim")
    held = await api.call("POST", f"/api/sessions/{session['id']}/bookings", as_=lee)
    assert held.status == 201
    await _book(api, session["occurrences"][1]["id"], kim)  # one meeting only
    mo = await api.register(name="Mo")  # invited to the series, not answered yet
    invited = await api.call(
        "POST", f"/api/sessions/{session['id']}/invitations", as_=ada, json={"emails": [mo.email]}
    )
    assert invited.status == 201, invited.body
    await smtp_server.inbox.wait_for(3)

    longer = await api.call(
        "PATCH", f"/api/sessions/{session['id']}", as_=ada, json={"duration_minutes": 90}
    )
    assert longer.status == 200, longer.body
    await smtp_server.inbox.wait_for(6)
    await asyncio.sleep(0.5)  # no more come: not one mail per meeting
    assert len(smtp_server.inbox.received) == 6
    [_, told] = smtp_server.inbox.to(mo.email)
    assert told.subject == "New times: Conversation club"

    [series, update] = smtp_server.inbox.to(lee.email)
    assert update.subject == "New times: Conversation club"
    assert "4 meetings of the series moved" in update.text()
    ics, params = update.calendar()
    assert params["method"] == "REQUEST"
    instances = Calendar.from_ical(ics).walk("VEVENT")
    master = _event(series, "REQUEST")
    assert {str(i["UID"]) for i in instances} == {str(master["UID"])}
    assert all(i["SEQUENCE"] > master["SEQUENCE"] for i in instances)
    tuesdays = [datetime(2026, 3, day, 18, 0, tzinfo=BERLIN) for day in (3, 10, 17, 24)]
    assert [i.decoded("RECURRENCE-ID") for i in instances] == tuesdays
    assert [i.decoded("DTEND") - i.decoded("DTSTART") for i in instances] == [
        timedelta(minutes=90)
    ] * 4

    [_, own] = smtp_server.inbox.to(kim.email)
    assert (
        own.subject
        == "New time: Conversation club, Tuesday 10 March 2026, 18:00-19:30 (Europe/Berlin)"
    )
    assert _event(own, "REQUEST").decoded("DTEND") == datetime(2026, 3, 10, 19, 30, tzinfo=BERLIN)
