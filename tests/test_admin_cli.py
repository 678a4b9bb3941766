"""``python -m api admin``: the real command, run as an operator would, on this run's engine
against the database a real API (in this process) uses."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp

from db import Database, outbox_claims
from tests.support.admin_cli import admin, admin_json, ok
from tests.support.api_client import PASSWORD, Actor, Api
from tests.support.sse import SseStream


def snapshot(db_url: str) -> list[Any]:
    """Everything the admin commands can change, as the commands themselves list it."""
    return [
        admin_json(db_url, "users"),
        admin_json(db_url, "sign-ins", "list", "--all"),
        admin_json(db_url, "outbox", "list", "--limit", "1000"),
    ]


async def real_time_api(api: Api) -> Api:
    """The CLI acts at the real time: the API's clock is set to it."""
    api.clock.now = datetime.now(UTC)
    return api


async def session_with_people(api: Api) -> tuple[Actor, int, list[Actor]]:
    facilitator = await api.register("facilitator")
    session = await api.create_session(facilitator, capacity=1)
    occurrence = session["occurrences"][0]["id"]
    booked, waiting = await api.register(), await api.register()
    reply = await api.call("POST", f"/api/occurrences/{occurrence}/bookings", as_=booked)
    assert reply.status == 201
    reply = await api.call("POST", f"/api/occurrences/{occurrence}/waitlist", as_=waiting)
    assert reply.status == 201
    return facilitator, occurrence, [booked, waiting]


COMMANDS = [
    line.split()
    for line in (
        "", "users", "sign-ins", "sign-ins list", "sign-ins revoke", "role", "role grant",
        "role take", "occurrence", "occurrence cancel", "outbox", "outbox list", "outbox show",
        "outbox resend", "check",
    )
]  # fmt: skip


def test_every_command_has_help(db_url: str) -> None:
    for command in COMMANDS:
        done = admin(db_url, *command, "--help")
        assert done.returncode == 0, (command, done.stderr)
        assert done.stdout.startswith(f"usage: python -m api admin {' '.join(command)}".rstrip())
        assert "--help" in done.stdout


async def test_users_and_the_roles_they_are_given(api: Api, db_url: str) -> None:
    await real_time_api(api)
    ada = await api.register("facilitator", name="Ada")
    ben = await api.register(name="Ben")
    listed = admin_json(db_url, "users")
    assert [(u["email"], u["role"], u["admin"]) for u in listed] == [
        (ada.email, "facilitator", False),
        (ben.email, "participant", False),
    ]
    assert [u["email"] for u in admin_json(db_url, "users", "--role", "participant")] == [ben.email]
    table = ok(db_url, "users")
    assert "Ada" in table and "Ben" in table and table.startswith("id")

    # Ben, a participant, may not create sessions until he is an admin
    create = {"title": "Drop-in", "timezone": "UTC", "starts_at": "2030-01-07T10:00:00+00:00"}
    create |= {"duration_minutes": 30, "capacity": 4}
    refused = await api.call("POST", "/api/sessions", as_=ben, json=create)
    assert refused.status == 403 and refused.error_code == "wrong_role"
    assert ok(db_url, "role", "grant", "admin", ben.email).strip() == f"{ben.email} is now admin"
    assert [u["email"] for u in admin_json(db_url, "users", "--role", "admin")] == [ben.email]
    assert (await api.call("POST", "/api/sessions", as_=ben, json=create)).status == 201
    assert "was already admin" in ok(db_url, "role", "grant", "admin", str(ben.id))
    assert "is no longer an admin" in ok(db_url, "role", "take", "admin", ben.email)
    again = await api.call("POST", "/api/sessions", as_=ben, json=create)
    assert again.status == 403

    # users.role rides with the sign-in in the API's token cache (5 s): a new sign-in sees it
    assert "is now facilitator" in ok(db_url, "role", "grant", "facilitator", ben.email)
    ben = await sign_in_again(api, ben)
    assert (await api.call("POST", "/api/sessions", as_=ben, json=create)).status == 201
    assert "is now a participant" in ok(db_url, "role", "take", "facilitator", ben.email)
    ben = await sign_in_again(api, ben)
    me = await api.call("GET", "/api/auth/me", as_=ben)
    assert me.body["role"] == "participant"


async def sign_in_again(api: Api, actor: Actor) -> Actor:
    signed = await api.call(
        "POST", "/api/auth/sign-in", json={"email": actor.email, "password": PASSWORD}
    )
    assert signed.status == 200, signed.body
    return Actor(signed.body["user"], signed.body["token"], actor.email)


async def test_sign_ins_are_listed_and_revoked(api: Api, db_url: str) -> None:
    await real_time_api(api)
    ada = await api.register()
    second = await api.call(
        "POST", "/api/auth/sign-in", json={"email": ada.email, "password": PASSWORD}
    )
    ben = await api.register()
    mine = admin_json(db_url, "sign-ins", "list", "--user", ada.email)
    assert [s["state"] for s in mine] == ["active", "active"]
    assert len(admin_json(db_url, "sign-ins", "list")) == 3

    one = mine[0]["id"]
    assert ok(db_url, "sign-ins", "revoke", "--id", str(one)).strip() == (
        f"sign-in {one} of {ada.email} is revoked"
    )
    assert [s["state"] for s in admin_json(db_url, "sign-ins", "list", "--user", ada.email)] == [
        "active"
    ]
    everything = admin_json(db_url, "sign-ins", "list", "--user", ada.email, "--all")
    assert [s["state"] for s in everything] == ["revoked", "active"]
    # the newest sign-in was the second one: its token no longer works
    signed_out = await api.call(
        "GET", "/api/auth/me", headers={"Authorization": f"Bearer {second.body['token']}"}
    )
    assert signed_out.status == 401

    assert ok(db_url, "sign-ins", "revoke", "--user", ada.email).strip() == (
        f"revoked 1 sign-in of {ada.email}"
    )
    assert (await api.call("GET", "/api/auth/me", as_=ada)).status == 401
    assert (await api.call("GET", "/api/auth/me", as_=ben)).status == 200


async def test_cancelling_an_occurrence_tells_everyone(api: Api, db_url: str) -> None:
    await real_time_api(api)
    _, occurrence, people = await session_with_people(api)
    async with aiohttp.ClientSession() as http:
        # the booked person watches the meeting live, as the web page does
        response = await http.get(
            f"{api.url}/api/events?occurrences={occurrence}",
            headers={"Authorization": f"Bearer {people[0].token}"},
        )
        stream = SseStream(response)
        await stream.until(lambda m: m.event == "ready", what="the ready message")
        said = ok(db_url, "occurrence", "cancel", str(occurrence))
        seen: dict[str, dict[str, Any]] = {}
        while len(seen) < 2:
            told = await stream.next(within=10)
            if told.data.get("kind") in ("occurrence.cancelled", "booking.cancelled"):
                seen[told.data["kind"]] = told.data["payload"]
        assert seen["booking.cancelled"]["cancel_reason"] == "occurrence_cancelled"
        assert seen["occurrence.cancelled"]["status"] == "cancelled"
        stream.close()
    assert said.strip() == (
        f"occurrence {occurrence} is cancelled: 2 booking(s) and waitlist places released,"
        " 2 notice(s) queued in the outbox"
    )
    seen = await api.call("GET", f"/api/occurrences/{occurrence}")
    assert seen.body["status"] == "cancelled"
    for person in people:
        mine = await api.call("GET", "/api/bookings", as_=person)
        assert [b["status"] for b in mine.body["items"]] == ["cancelled"]
    notices = admin_json(db_url, "outbox", "list", "--kind", "occurrence_cancelled")
    assert sorted(m["recipient"] for m in notices["mails"]) == sorted(p.email for p in people)
    assert notices["counts"]["pending"] >= 2

    again = ok(db_url, "occurrence", "cancel", str(occurrence))
    assert "was already cancelled; nothing changed" in again


async def test_the_outbox_is_shown_and_a_mail_sent_again(api: Api, db_url: str) -> None:
    await real_time_api(api)
    _, _, people = await session_with_people(api)
    listed = admin_json(db_url, "outbox", "list")
    confirmed = [m for m in listed["mails"] if m["kind"] == "booking_confirmed"]
    assert [m["recipient"] for m in confirmed] == [people[0].email]
    mail_id = confirmed[0]["id"]
    assert listed["counts"] == {"pending": len(listed["mails"]), "failed": 0, "sent": 0}
    shown = ok(db_url, "outbox", "show", str(mail_id))
    assert f"To: {people[0].email}" in shown and "Subject:" in shown

    db = await Database.open(db_url)
    try:
        await db.write(outbox_claims.mark_failed, mail_id, "550 mailbox unavailable")
    finally:
        await db.aclose()
    failed = admin_json(db_url, "outbox", "list", "--status", "failed")
    assert [(m["id"], m["last_error"]) for m in failed["mails"]] == [
        (mail_id, "550 mailbox unavailable")
    ]
    table = ok(db_url, "outbox", "list", "--status", "failed", "--to", people[0].email[:8])
    assert "550 mailbox unavailable" in table and "1 failed" in table

    said = ok(db_url, "outbox", "resend", str(mail_id))
    assert said.strip() == f"mail {mail_id} (failed) is queued again and goes out at once"
    assert admin_json(db_url, "outbox", "list", "--status", "failed")["mails"] == []
    pending = admin_json(db_url, "outbox", "list", "--status", "pending")["mails"]
    again = next(m for m in pending if m["id"] == mail_id)
    assert again["attempts"] == 0 and again["last_error"] is None


async def test_a_sent_mail_is_sent_again_but_not_a_spent_guest_link(api: Api, db_url: str) -> None:
    await real_time_api(api)
    facilitator, occurrence, people = await session_with_people(api)
    invited = await api.call(
        "POST",
        f"/api/occurrences/{occurrence}/invitations",
        as_=facilitator,
        json={"emails": ["guest@example.org"]},
    )
    assert invited.status == 201, invited.body
    db = await Database.open(db_url)
    try:  # what the sender does: claim, render once, mark sent
        claimed = await db.write(outbox_claims.claim, "test", api.clock.now, timedelta(1), 100)
        rendered = [(m.id, f"Subject: mail {m.id}\n\nHello", f"<{m.id}@test>") for m in claimed]
        await db.write(outbox_claims.store_messages, rendered)
        for mail in claimed:
            await db.write(outbox_claims.mark_sent, mail.id, api.clock.now)
    finally:
        await db.aclose()
    sent = admin_json(db_url, "outbox", "list", "--status", "sent")["mails"]
    confirmation = next(m["id"] for m in sent if m["recipient"] == people[0].email)
    guest_link = next(m["id"] for m in sent if m["recipient"] == "guest@example.org")

    said = ok(db_url, "outbox", "resend", str(confirmation))
    assert said.strip() == f"mail {confirmation} (sent) is queued again and goes out at once"
    pending = admin_json(db_url, "outbox", "list", "--status", "pending")["mails"]
    assert [(m["id"], m["attempts"], m["sent_at"]) for m in pending] == [(confirmation, 0, None)]
    again = ok(db_url, "outbox", "resend", str(confirmation))
    assert "was waiting to be sent; it goes out at once now" in again

    before = snapshot(db_url)
    refused = admin(db_url, "outbox", "resend", str(guest_link))
    assert refused.returncode == 1
    assert "held a personal link" in refused.stderr and "invite again" in refused.stderr
    assert snapshot(db_url) == before


BAD_INPUT = [
    (["role", "grant", "admin", "nobody@example.org"], 1, "there is no user nobody@example.org"),
    (["role", "take", "facilitator", "4242"], 1, "there is no user 4242"),
    (["role", "grant", "superuser", "x@example.org"], 2, "invalid choice: 'superuser'"),
    (["sign-ins", "revoke", "--id", "999999"], 1, "there is no sign-in 999999"),
    (["sign-ins", "revoke", "--id", "abc"], 2, "expected a whole number, got 'abc'"),
    (["sign-ins", "revoke"], 2, "one of the arguments --user --id is required"),
    (["sign-ins", "list", "--user", "nobody@example.org"], 1, "there is no user"),
    (["occurrence", "cancel", "999999"], 1, "there is no occurrence 999999"),
    (["occurrence", "cancel", "0"], 2, "expected a number above 0, got 0"),
    (["outbox", "resend", "999999"], 1, "there is no mail 999999 in the outbox"),
    (["outbox", "show", "999999"], 1, "there is no mail 999999 in the outbox"),
    (["outbox", "list", "--status", "lost"], 2, "invalid choice: 'lost'"),
    (["users", "--role", "king"], 2, "invalid choice: 'king'"),
    (["reboot"], 2, "invalid choice: 'reboot'"),
]


async def test_bad_input_is_refused_clearly_and_changes_nothing(api: Api, db_url: str) -> None:
    await real_time_api(api)
    await session_with_people(api)
    before = snapshot(db_url)
    for args, code, message in BAD_INPUT:
        done = admin(db_url, *args)
        assert done.returncode == code, (args, done.stderr)
        assert message in done.stderr, (args, done.stderr)
        assert done.stdout == "", args
    assert snapshot(db_url) == before


async def test_an_ended_occurrence_is_not_cancelled(api: Api, db_url: str) -> None:
    await real_time_api(api)
    facilitator = await api.register("facilitator")
    api.clock.advance(days=-30)
    session = await api.create_session(facilitator)
    before = snapshot(db_url)
    done = admin(db_url, "occurrence", "cancel", str(session["occurrences"][0]["id"]))
    assert done.returncode == 1
    assert "is over; it cannot be cancelled" in done.stderr
    assert snapshot(db_url) == before
