"""Invitations over HTTP: members answer from their dashboard, seats held for a while,
bad input refused with a message that names it, idempotent invites, rate limits."""

from __future__ import annotations

from datetime import timedelta

from tests.support.api_client import Actor, Api


async def _setup(api: Api, capacity: int = 5, **fields: object) -> tuple[Actor, dict]:
    ada = await api.register("facilitator", name="Ada")
    return ada, await api.create_session(ada, capacity=capacity, **fields)


async def _invite(api: Api, who: Actor, occurrence: int, **body: object) -> dict:
    reply = await api.call("POST", f"/api/occurrences/{occurrence}/invitations", as_=who, json=body)
    assert reply.status in (200, 201), reply.body
    return dict(reply.body)


async def test_a_member_accepts_from_the_dashboard_and_has_a_seat(api: Api) -> None:
    ada, session = await _setup(api)
    occurrence = session["occurrences"][0]["id"]
    lee = await api.register(name="Lee")
    made = await _invite(api, ada, occurrence, emails=[lee.email.upper()])
    [invitation] = made["items"]
    assert invitation["kind"] == "member" and invitation["display_name"] == "Lee"

    mine = await api.call("GET", "/api/invitations", as_=lee)
    assert [(i["id"], i["status"]) for i in mine.body["items"]] == [(invitation["id"], "pending")]
    assert mine.body["items"][0]["occurrence"]["title"] == "Conversation club"
    accepted = await api.call("POST", f"/api/invitations/{invitation['id']}/accept", as_=lee)
    assert accepted.status == 200 and accepted.body["status"] == "accepted"
    assert [b["status"] for b in accepted.body["bookings"]] == ["booked"]
    bookings = await api.call("GET", "/api/bookings", as_=lee)
    assert [b["occurrence_id"] for b in bookings.body["items"]] == [occurrence]
    again = await api.call("POST", f"/api/invitations/{invitation['id']}/accept", as_=lee)
    assert again.status == 200 and again.body["bookings"] == []


async def test_a_series_invitation_books_every_meeting_to_come(api: Api) -> None:
    ada, session = await _setup(api, recurrence={"frequency": "weekly", "count": 3})
    lee = await api.register()
    made = await api.call(
        "POST", f"/api/sessions/{session['id']}/invitations", as_=ada, json={"emails": [lee.email]}
    )
    assert made.status == 201 and made.body["items"][0]["series"] is True
    accepted = await api.call(
        "POST", f"/api/invitations/{made.body['items'][0]['id']}/accept", as_=lee
    )
    assert [b["status"] for b in accepted.body["bookings"]] == ["booked"] * 3


async def test_declining_frees_the_held_seat(api: Api) -> None:
    ada, session = await _setup(api, capacity=1)
    occurrence = session["occurrences"][0]["id"]
    lee, kim = await api.register(), await api.register()
    made = await _invite(api, ada, occurrence, emails=[lee.email], hold_minutes=60)
    assert made["items"][0]["held_seats"][0]["occurrence_id"] == occurrence
    full = await api.call("POST", f"/api/occurrences/{occurrence}/bookings", as_=kim)
    assert full.status == 409 and full.error_code == "occurrence_full"
    declined = await api.call("POST", f"/api/invitations/{made['items'][0]['id']}/decline", as_=lee)
    assert declined.body["status"] == "declined" and declined.body["held_seats"] == []
    booked = await api.call("POST", f"/api/occurrences/{occurrence}/bookings", as_=kim)
    assert booked.status == 201


async def test_a_held_seat_lapses_and_goes_to_the_first_in_line(api: Api) -> None:
    ada, session = await _setup(api, capacity=1)
    occurrence = session["occurrences"][0]["id"]
    lee, kim = await api.register(), await api.register()
    await _invite(api, ada, occurrence, emails=[lee.email], hold_minutes=30)
    seats = await api.call("GET", f"/api/occurrences/{occurrence}")
    assert seats.body["seats_left"] == 0
    await api.call("POST", f"/api/occurrences/{occurrence}/waitlist", as_=kim)
    api.clock.advance(minutes=31)
    # the lapsed hold is cleared before anyone books, and the waiting person gets the seat
    late = await api.register()
    refused = await api.call("POST", f"/api/occurrences/{occurrence}/bookings", as_=late)
    assert refused.error_code == "occurrence_full"
    kims = await api.call("GET", "/api/bookings", as_=kim)
    assert kims.body["items"][0]["status"] == "booked"


async def test_holding_while_full_invites_without_a_hold_and_accepting_waitlists(api: Api) -> None:
    ada, session = await _setup(api, capacity=1)
    occurrence = session["occurrences"][0]["id"]
    lee, kim = await api.register(), await api.register()
    await api.call("POST", f"/api/occurrences/{occurrence}/bookings", as_=kim)
    made = await _invite(api, ada, occurrence, emails=[lee.email], hold_minutes=30)
    assert made["items"][0]["held_seats"] == []
    accepted = await api.call("POST", f"/api/invitations/{made['items'][0]['id']}/accept", as_=lee)
    assert [b["status"] for b in accepted.body["bookings"]] == ["waitlisted"]


async def test_inviting_the_same_person_twice_is_one_invitation(api: Api) -> None:
    ada, session = await _setup(api)
    occurrence = session["occurrences"][0]["id"]
    lee = await api.register()
    first = await api.call(
        "POST", f"/api/occurrences/{occurrence}/invitations", as_=ada, json={"emails": [lee.email]}
    )
    again = await api.call(
        "POST",
        f"/api/occurrences/{occurrence}/invitations",
        as_=ada,
        json={"emails": [f"  {lee.email.upper()} "]},
    )
    assert (first.status, again.status) == (201, 200)
    assert first.body["items"][0]["id"] == again.body["items"][0]["id"]
    assert again.body["items"][0]["created"] is False
    listed = await api.call("GET", f"/api/sessions/{session['id']}/invitations", as_=ada)
    assert len(listed.body["items"]) == 1


async def test_bad_invitations_are_refused_naming_the_problem(api: Api) -> None:
    ada, session = await _setup(api)
    occurrence = session["occurrences"][0]["id"]
    other = await api.register("facilitator")
    path = f"/api/occurrences/{occurrence}/invitations"
    bad = await api.call("POST", path, as_=ada, json={"emails": ["ok@example.org", "not-an-email"]})
    assert bad.status == 400 and "emails[1] 'not-an-email'" in bad.body["error"]["message"]
    none = await api.call("POST", path, as_=ada, json={})
    assert none.status == 400 and "emails" in none.body["error"]["message"]
    facilitator = await api.call("POST", path, as_=ada, json={"emails": [other.email]})
    assert facilitator.status == 409 and facilitator.error_code == "not_a_participant"
    stranger = await api.call("POST", path, as_=ada, json={"user_ids": [other.id]})
    assert stranger.status == 422 and "past participants" in stranger.body["error"]["message"]
    series = await api.call(
        "POST",
        f"/api/sessions/{session['id']}/invitations",
        as_=ada,
        json={"emails": ["nobody@example.org"]},
    )
    assert series.status == 409 and series.error_code == "guest_needs_occurrence"
    listed = await api.call("GET", f"/api/sessions/{session['id']}/invitations", as_=ada)
    assert listed.body["items"] == []  # nobody was invited by a refused request

    await api.call("DELETE", f"/api/occurrences/{occurrence}", as_=ada)
    cancelled = await api.call("POST", path, as_=ada, json={"emails": ["x@example.org"]})
    assert cancelled.status == 409 and cancelled.error_code == "occurrence_cancelled"


async def test_past_participants_can_be_invited_by_id(api: Api) -> None:
    ada, first = await _setup(api)
    lee = await api.register(name="Lee")
    await api.call("POST", f"/api/occurrences/{first['occurrences'][0]['id']}/bookings", as_=lee)
    api.clock.advance(days=2)  # the first meeting is over
    later = await api.create_session(ada, starts_at=(api.clock.now + timedelta(days=1)).isoformat())
    candidates = await api.call("GET", "/api/invitations/candidates", as_=ada)
    assert [(p["user_id"], p["display_name"]) for p in candidates.body["items"]] == [
        (lee.id, "Lee")
    ]
    made = await _invite(api, ada, later["occurrences"][0]["id"], user_ids=[lee.id])
    assert made["items"][0]["kind"] == "member"


async def test_invitations_are_rate_limited_per_facilitator(api: Api) -> None:
    ada, session = await _setup(api)
    path = f"/api/occurrences/{session['occurrences'][0]['id']}/invitations"
    for batch in range(4):
        emails = [f"guest-{batch}-{n}@example.org" for n in range(50)]
        reply = await api.call("POST", path, as_=ada, json={"emails": emails})
        assert reply.status == 201
    over = await api.call("POST", path, as_=ada, json={"emails": ["one-more@example.org"]})
    assert over.status == 429 and over.error_code == "too_many_invitations"
    assert 0 < int(over.headers["Retry-After"]) <= 3600
    api.clock.advance(hours=1, seconds=1)
    later = await api.call("POST", path, as_=ada, json={"emails": ["one-more@example.org"]})
    assert later.status == 201
