"""Every cell of the authorization table (api/authorization_table.py) against the running
API: for each row, each kind of caller does the row's request(s) on an occurrence they have
that relation to; allowed -> 2xx, refused -> 401 (no sign-in) or the row's 403, in the one
JSON error shape. A row added to the table is walked here without touching this file (only
a request body, if its endpoint needs one). Room tokens are decoded and their grants read."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from livekit import api as lkapi

from api.authorization_table import (
    ADMIN,
    ANONYMOUS,
    DENY_BOOKED,
    DENY_MEMBER,
    DENY_OWNER,
    FACILITATOR_OTHER,
    FACILITATOR_OWNER,
    FACILITATORS,
    GUEST,
    OCCURRENCE,
    PARTICIPANT_BOOKED,
    PARTICIPANT_NOT_BOOKED,
    PARTICIPANT_WAITLISTED,
    PARTICIPANTS,
    RELATIONS,
    ROLE,
    SESSION,
    TABLE,
    Rule,
    markdown_table,
)
from api.openapi import document
from api.room_tokens import PUBLISH_SOURCES
from colearn.wire import ATTR_ROLE
from db import Database, admin, occurrences
from db.outbox import mails
from mail.config import MailConfig
from mail.preview import plain_body, rendered
from tests.support.api_client import Actor, Api, Reply

START = "2026-03-02T09:10:00Z"  # inside the join window of the test clock's 09:00
DOC = Path(__file__).resolve().parent.parent / "docs" / "authorization.md"
INVITEE = "table-invitee@example.org"  # an account, for invitations to a whole series
# What the allowed requests send (endpoints not named here send no body).
BODIES: dict[str, Any] = {
    "PATCH /api/occurrences/{id}": {"capacity": 6},
    "POST /api/occurrences/{id}/invitations": {"emails": ["table-guest@example.org"]},
    "POST /api/sessions": {
        "title": "Another",
        "timezone": "UTC",
        "starts_at": "2026-04-01T10:00:00Z",
        "duration_minutes": 30,
        "capacity": 3,
    },
    "PATCH /api/sessions/{id}": {"topic": "a new topic"},
    "PUT /api/sessions/{id}/captions": {"enabled": True},
    "POST /api/sessions/{id}/invitations": {"emails": [INVITEE]},
    "PUT /api/me/mail": {"reminders": True},
}
# Allowed, and past the table, refused by the seats themselves: someone waitlisted is so
# because the occurrence is full, and asking for a seat again says so.
# The API here has no livekit-server (nothing listens at its URL): ending a meeting is
# recorded, then says the room server did not answer (tests/test_api_room_end.py ends a
# real room).
NO_ROOM_SERVER = (503, "room_server_unavailable")
BUSINESS = {
    ("POST /api/occurrences/{id}/bookings", PARTICIPANT_WAITLISTED): (409, "occurrence_full"),
    ("POST /api/occurrences/{id}/end", FACILITATOR_OWNER): NO_ROOM_SERVER,
    ("POST /api/occurrences/{id}/end", ADMIN): NO_ROOM_SERVER,
}
ROOM_ROLES = {FACILITATOR_OWNER: "facilitator", PARTICIPANT_BOOKED: "participant", GUEST: "guest"}


@dataclass
class People:
    owner: Actor
    other_facilitator: Actor
    booked: Actor
    not_booked: Actor
    waitlisted: Actor
    admin: Actor  # a facilitator's account granted admin with the admin CLI's unit of work
    fillers: tuple[Actor, Actor]


@dataclass
class Target:
    session: int
    occurrence: int
    room: str  # its LiveKit room, as the database holds it (room-token rows only)
    invitation: int | None = None  # a member's invitation, for withdrawing
    guest_link: str | None = None  # the token of a guest's accepted link


async def _people(api: Api) -> People:
    owner = await api.register("facilitator", "Owner")
    chosen = People(
        owner=owner,
        other_facilitator=await api.register("facilitator", "Other"),
        booked=await api.register(name="Booked"),
        not_booked=await api.register(name="Not booked"),
        waitlisted=await api.register(name="Waiting"),
        admin=await api.register("facilitator", "Admin"),
        fillers=(await api.register(), await api.register()),
    )
    await api.call(
        "POST",
        "/api/accounts",
        json={"email": INVITEE, "password": "a long enough password", "display_name": "Ivy"},
    )
    db = await Database.open(api.config.db_url, run_migrations=False)
    try:
        await db.write(admin.set_role, chosen.admin.email, admin.ADMIN, True, api.clock.now)
    finally:
        await db.aclose()
    return chosen


async def _guest_link(api: Api, email: str) -> str:
    """The token in the guest link the invitation mail to ``email`` carries (the outbox)."""
    db = await Database.open(api.config.db_url, run_migrations=False)
    try:
        found = [m for m in await mails(db, limit=10_000) if m.recipient == email]
        text = plain_body(await rendered(db, found[-1], MailConfig(), api.clock.now))
    finally:
        await db.aclose()
    link = re.search(r"/guest#(\S+)", text)
    assert link is not None, text
    return link.group(1)


async def _room_of(api: Api, occurrence_id: int) -> str:
    db = await Database.open(api.config.db_url, run_migrations=False)
    try:
        found = await occurrences.occurrence(db, occurrence_id)
    finally:
        await db.aclose()
    assert found is not None
    return found.room_name


async def _ok(reply: Reply, *statuses: int) -> Any:
    assert reply.status in statuses, (reply.status, reply.body)
    return reply.body


async def _target(api: Api, people: People, rule: Rule, relation: str) -> Target:
    """A fresh session whose occurrence the acting ``relation`` holds: booked, waitlisted
    (then it is full), a guest's accepted link, a member's invitation to withdraw."""
    made = await api.create_session(people.owner, starts_at=START, capacity=3, title="Table")
    target = Target(made["id"], made["occurrences"][0]["id"], "")
    if rule.action == "occurrence.room_token":
        target.room = await _room_of(api, target.occurrence)
    path = f"/api/occurrences/{target.occurrence}"
    await _ok(await api.call("POST", f"{path}/bookings", as_=people.booked), 201)
    if relation == GUEST:
        email = f"guest-{target.occurrence}@example.org"
        invite = {"emails": [email]}
        await _ok(await api.call("POST", f"{path}/invitations", as_=people.owner, json=invite), 201)
        target.guest_link = await _guest_link(api, email)
        accepted = {"token": target.guest_link, "display_name": "Gus"}
        await _ok(await api.call("POST", "/api/guest/accept", json=accepted), 200)
    if rule.action == "invitation.revoke":
        invite = {"emails": [people.not_booked.email]}
        body = await _ok(
            await api.call("POST", f"{path}/invitations", as_=people.owner, json=invite), 201
        )
        target.invitation = body["items"][0]["id"]
    if relation == PARTICIPANT_WAITLISTED:
        for filler in people.fillers:
            await _ok(await api.call("POST", f"{path}/bookings", as_=filler), 201, 409)
        waiting = await api.call("POST", f"{path}/waitlist", as_=people.waitlisted)
        assert (await _ok(waiting, 201))["status"] == "waitlisted"
    return target


def _actor(people: People, relation: str) -> Actor | None:
    return {
        PARTICIPANT_BOOKED: people.booked,
        PARTICIPANT_NOT_BOOKED: people.not_booked,
        PARTICIPANT_WAITLISTED: people.waitlisted,
        FACILITATOR_OWNER: people.owner,
        FACILITATOR_OTHER: people.other_facilitator,
        ADMIN: people.admin,
    }.get(relation)


def _path(endpoint: str, target: Target) -> str:
    path = endpoint.split(" ", 1)[1]
    if path.startswith("/api/occurrences/"):
        return path.replace("{id}", str(target.occurrence))
    if path.startswith("/api/sessions/"):
        return path.replace("{id}", str(target.session))
    return path.replace("{id}", str(target.invitation))


def _refusal(rule: Rule, relation: str) -> tuple[int, str]:
    if relation in (ANONYMOUS, GUEST):
        return 401, "unauthorized"  # a guest link is not a sign-in
    if rule.deny == DENY_MEMBER:
        return 403, "not_a_member"
    if rule.deny == DENY_BOOKED:
        return 403, "not_booked"
    if rule.deny == DENY_OWNER and relation in (FACILITATOR_OTHER, ADMIN):
        return 403, "not_owner"
    return 403, "wrong_role"


def _check_room_token(api: Api, reply: Reply, target: Target, relation: str) -> None:
    livekit = api.config.livekit
    claims = lkapi.TokenVerifier(livekit.api_key, livekit.api_secret).verify(reply.body["token"])
    video = claims.video
    assert video is not None and video.room_join
    assert video.room == target.room == reply.body["room"]  # that room only, no wildcard
    assert "*" not in video.room and video.room
    assert not (video.room_admin or video.room_create or video.room_list or video.room_record)
    assert not (video.ingress_admin or video.recorder or video.agent or video.hidden)
    role = ROOM_ROLES[relation]
    assert claims.attributes == {ATTR_ROLE: role} and reply.body["role"] == role
    assert video.can_publish_sources == list(PUBLISH_SOURCES[role])
    assert not claims.room_config, "a token must not make or configure rooms"


@pytest.mark.parametrize("rule", TABLE, ids=lambda rule: rule.action)
async def test_every_caller_gets_what_the_table_says(api: Api, rule: Rule) -> None:
    people = await _people(api)
    failures: list[str] = []
    for relation in RELATIONS:
        target = await _target(api, people, rule, relation)
        allowed = relation in rule.allowed
        endpoints = rule.endpoints
        if relation == GUEST and rule.guest_endpoint is not None:
            endpoints = (rule.guest_endpoint,)
        for endpoint in endpoints:
            method = endpoint.split(" ", 1)[0]
            headers, body = {}, BODIES.get(endpoint)
            if endpoint == rule.guest_endpoint:
                body = {"token": target.guest_link}
            elif relation == GUEST:  # the guest shows their link as if it signed them in
                headers = {"Authorization": f"Bearer {target.guest_link}"}
            path = _path(endpoint, target)
            actor = _actor(people, relation)
            reply = await api.call(method, path, as_=actor, json=body, headers=headers)
            seen = (reply.status, reply.error_code)
            where = f"{endpoint} as {relation}: {seen} {reply.body}"
            if allowed and (endpoint, relation) in BUSINESS:
                expected: tuple[int, str | None] = BUSINESS[(endpoint, relation)]
                if seen != expected:
                    failures.append(f"{where}, expected {expected}")
            elif allowed:
                if not 200 <= reply.status < 300:
                    failures.append(f"{where}, expected 2xx")
                elif rule.action == "occurrence.room_token":
                    _check_room_token(api, reply, target, relation)
            else:
                if seen != _refusal(rule, relation) or set(reply.body or {}) != {"error"}:
                    failures.append(f"{where}, expected {_refusal(rule, relation)}")
                elif set(reply.body["error"]) != {"code", "message"}:
                    failures.append(f"{where}: not the JSON error shape")
    assert not failures, "\n".join(failures)


def test_the_table_is_coherent() -> None:
    for rule in TABLE:
        assert rule.allowed <= set(RELATIONS), rule.action
        # no action is public: require() starts from a sign-in
        assert ANONYMOUS not in rule.allowed, rule.action
        # a guest has no sign-in: only the guest link's own endpoint can let them
        assert (GUEST in rule.allowed) == (rule.guest_endpoint is not None), rule.action
        # an admin may do what any facilitator who owns nothing may
        if FACILITATOR_OTHER in rule.allowed:
            assert ADMIN in rule.allowed, rule.action
        # no booking is looked up where it could not matter
        if rule.scope in (ROLE, SESSION):
            assert len(rule.allowed & PARTICIPANTS) in (0, 3), rule.action
        if rule.scope == ROLE:
            assert len(rule.allowed & FACILITATORS) in (0, 2), rule.action
        assert rule.scope in (OCCURRENCE, SESSION, ROLE), rule.action
    assert len({rule.action for rule in TABLE}) == len(TABLE)


def test_every_endpoint_in_the_table_is_documented() -> None:
    paths = document()["paths"]
    assert isinstance(paths, dict)
    for rule in TABLE:
        for endpoint in (*rule.endpoints, *filter(None, [rule.guest_endpoint])):
            method, path = endpoint.split(" ", 1)
            assert method.lower() in paths.get(path, {}), f"{endpoint} is not in openapi.yaml"


def test_the_documentation_shows_the_table_in_the_code() -> None:
    assert markdown_table() in DOC.read_text(), (
        "docs/authorization.md differs from api/authorization_table.py; paste in:\n"
        + markdown_table()
    )
