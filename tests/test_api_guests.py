"""Guests: the personal link from the invitation mail lets someone without an account take
a seat and a LiveKit token; withdrawn, expired and foreign links are refused clearly; the
guest can turn the invitation into an account and keep their vocabulary."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import jwt
import pytest_asyncio
from icalendar import Calendar

from db import Database
from db.room_ref import RoomRef
from db.vocabulary import Lookup, lookups_of, record_lookup
from tests.support.api_client import PASSWORD, Actor, Api, running_api
from tests.support.smtp import SmtpServer, mail_config

START = "2026-03-02T09:10:00+00:00"  # in the join window of the clock's start (09:00 UTC)


@pytest_asyncio.fixture(loop_scope="session")
async def api(db_url: str, smtp_server: SmtpServer) -> AsyncIterator[Api]:
    async with running_api(db_url, mail=mail_config(smtp_server)) as harness:
        yield harness


async def _invite_guest(
    api: Api, smtp: SmtpServer, email: str, *, capacity: int = 3
) -> tuple[Actor, int, int, str]:
    """A facilitator invites ``email``; (facilitator, occurrence, invitation, token from mail)."""
    ada = await api.register("facilitator", name="Ada")
    session = await api.create_session(ada, starts_at=START, capacity=capacity, title="Club")
    occurrence = session["occurrences"][0]["id"]
    made = await api.call(
        "POST", f"/api/occurrences/{occurrence}/invitations", as_=ada, json={"emails": [email]}
    )
    assert made.status == 201 and made.body["items"][0]["kind"] == "guest"
    await smtp.inbox.wait_for(1)
    [mail] = smtp.inbox.to(email)
    assert mail.subject.startswith("Invitation: Club, Monday 2 March 2026, 10:10")
    assert "no account needed" in mail.text()
    calendar = Calendar.from_ical(mail.calendar()[0])
    assert calendar["METHOD"] == "REQUEST"
    link = re.search(r"http://colearn\.test/guest#(\S+)", mail.text())
    assert link is not None, mail.text()
    return ada, occurrence, made.body["items"][0]["id"], link.group(1)


async def test_a_guest_link_seats_the_guest_and_gives_a_guest_token(
    api: Api, smtp_server: SmtpServer
) -> None:
    _, occurrence, invitation, token = await _invite_guest(
        api, smtp_server, "gus@example.org", capacity=1
    )
    shown = await api.call("POST", "/api/guest/invitation", json={"token": token})
    assert shown.status == 200 and shown.body["occurrence"]["title"] == "Club"
    assert "email" not in shown.body
    early = await api.call("POST", "/api/guest/token", json={"token": token})
    assert early.status == 409 and early.error_code == "name_first"

    seated = await api.call(
        "POST", "/api/guest/accept", json={"token": token, "display_name": "Gus"}
    )
    assert seated.status == 200 and seated.body["guest_seat"] is True
    # the guest counts against the limit: the one seat is taken
    assert seated.body["occurrence"]["seats_left"] == 0
    lee = await api.register()
    full = await api.call("POST", f"/api/occurrences/{occurrence}/bookings", as_=lee)
    assert full.status == 409 and full.error_code == "occurrence_full"

    granted = await api.call("POST", "/api/guest/token", json={"token": token})
    assert granted.status == 200, granted.body
    assert granted.body["identity"] == f"guest-{invitation}" and granted.body["role"] == "guest"
    claims = jwt.decode(granted.body["token"], options={"verify_signature": False})
    assert claims["sub"] == f"guest-{invitation}" and claims["name"] == "Gus"
    assert claims["attributes"]["colearn.role"] == "guest"
    assert claims["video"]["room"] == granted.body["room"] and not claims["video"]["roomAdmin"]
    confirmation = await smtp_server.inbox.wait_for(2)
    assert confirmation[1].subject.startswith("Booked: Club")
    assert f"guest#{token}" in confirmation[1].text()


async def test_a_withdrawn_link_stops_working_and_frees_the_seat(
    api: Api, smtp_server: SmtpServer
) -> None:
    ada, _, invitation, token = await _invite_guest(api, smtp_server, "gia@example.org")
    await api.call("POST", "/api/guest/accept", json={"token": token, "display_name": "Gia"})
    revoked = await api.call("DELETE", f"/api/invitations/{invitation}", as_=ada)
    assert revoked.status == 200 and revoked.body["status"] == "revoked"
    assert revoked.body["occurrence"]["seats_booked"] == 0
    for path in ("/api/guest/invitation", "/api/guest/token"):
        gone = await api.call("POST", path, json={"token": token})
        assert gone.status == 410 and gone.error_code == "invitation_revoked"
        assert "Ada withdrew this invitation" in gone.body["error"]["message"]
    mails = await smtp_server.inbox.wait_for(3)
    withdrawn = mails[2]
    assert withdrawn.subject.startswith("Invitation withdrawn: Club")
    assert Calendar.from_ical(withdrawn.calendar()[0])["METHOD"] == "CANCEL"


async def test_expired_cancelled_and_foreign_links_are_refused(
    api: Api, smtp_server: SmtpServer
) -> None:
    ada, occurrence, _, token = await _invite_guest(api, smtp_server, "gil@example.org")
    foreign = await api.call("POST", "/api/guest/invitation", json={"token": "x" * 43})
    assert foreign.status == 404 and foreign.error_code == "invitation_unknown"
    api.clock.now = datetime(2026, 3, 2, 10, 11, tzinfo=UTC)  # the meeting ended at 10:10
    expired = await api.call(
        "POST", "/api/guest/accept", json={"token": token, "display_name": "G"}
    )
    assert expired.status == 410 and expired.error_code == "invitation_expired"
    assert "expired when Club ended" in expired.body["error"]["message"]

    api.clock.now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    await api.call("DELETE", f"/api/occurrences/{occurrence}", as_=ada)
    cancelled = await api.call("POST", "/api/guest/invitation", json={"token": token})
    assert cancelled.status == 410 and cancelled.error_code == "occurrence_cancelled"


async def test_a_guest_makes_an_account_and_keeps_their_vocabulary_and_seat(
    api: Api, smtp_server: SmtpServer, db_url: str
) -> None:
    _, occurrence, invitation, token = await _invite_guest(api, smtp_server, "gwen@example.org")
    await api.call("POST", "/api/guest/accept", json={"token": token, "display_name": "Gwen"})
    room = (await api.call("POST", "/api/guest/token", json={"token": token})).body["room"]
    db = await Database.open(db_url)
    try:
        looked_up = Lookup("went", "go", "We went home.", "m1", api.clock.now)
        ref = RoomRef(room, occurrence)
        await db.write(record_lookup, ref, f"guest-{invitation}", looked_up)
    finally:
        await db.aclose()

    made = await api.call("POST", "/api/guest/account", json={"token": token, "password": PASSWORD})
    assert made.status == 201 and made.body["email"] == "gwen@example.org"
    assert made.body["display_name"] == "Gwen"
    signed = await api.call(
        "POST", "/api/auth/sign-in", json={"email": "gwen@example.org", "password": PASSWORD}
    )
    gwen = Actor(made.body, signed.body["token"], "gwen@example.org")
    bookings = await api.call("GET", "/api/bookings", as_=gwen)
    assert [(b["occurrence_id"], b["status"]) for b in bookings.body["items"]] == [
        (occurrence, "booked")
    ]
    joined = await api.call("POST", f"/api/occurrences/{occurrence}/token", as_=gwen)
    assert joined.status == 200 and joined.body["identity"] == f"user-{gwen.id}"
    db = await Database.open(db_url)
    try:
        words = await lookups_of(db, f"user-{gwen.id}")
    finally:
        await db.aclose()
    assert [w.lookup.headword for w in words] == ["go"]
    again = await api.call("POST", "/api/guest/token", json={"token": token})
    assert again.status == 409 and again.error_code == "has_account"


async def test_a_guest_account_refuses_a_weak_password_and_a_missing_name_as_rules(
    api: Api, smtp_server: SmtpServer
) -> None:
    _, _, _, token = await _invite_guest(api, smtp_server, "gale@example.org")
    path = "/api/guest/account"
    nameless = await api.call("POST", path, json={"token": token, "password": PASSWORD})
    assert nameless.status == 422 and nameless.error_code == "name_required"
    body = {"token": token, "password": "password123", "display_name": "Gale"}
    weak = await api.call("POST", path, json=body)
    assert weak.status == 422 and weak.error_code == "weak_password"
    short = await api.call("POST", path, json={**body, "password": "abc"})
    assert short.status == 400 and "password" in short.body["error"]["message"]
