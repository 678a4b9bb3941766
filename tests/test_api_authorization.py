"""Who may do what: every endpoint against anonymous, participant, other participant,
facilitator and other facilitator."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from api.openapi import document
from tests.support.api_client import PASSWORD, Actor, Api

ANON, OTHER_P, OTHER_F, PARTICIPANT, FACILITATOR = range(5)
INVITEE = "matrix-invitee@example.org"  # an account invited to a whole series
ORDER = ("anonymous", "other participant", "other facilitator", "participant", "facilitator")


@dataclass
class World:
    facilitator: Actor
    other_facilitator: Actor
    participant: Actor
    other_participant: Actor
    session: int  # the participant is booked on its first occurrence
    occurrence: int
    spare_session: int  # for what cancels things
    spare_occurrence: int
    open_session: int  # where anyone may book
    open_occurrence: int
    booking: int  # the participant's booking on ``occurrence``
    invitation: int  # the participant's invitation to ``occurrence`` (accepted by the matrix)
    declinable: int  # the participant's invitation to ``open_occurrence``
    spare_invitation: int  # a guest's invitation to ``occurrence``, for withdrawing
    word: int  # a word in the participant's notebook, starred
    card: int  # the review card starring it made


@dataclass
class Row:
    method: str
    path: Callable[[World], str]
    expected: tuple[int, int, int, int, int]  # in ORDER
    body: dict[str, Any] | None = None


WRONG_PASSWORD = {"current_password": "not my password", "new_password": "a new password 1"}
NO_LINK_PASSWORD = {"token": "not-a-link", "password": "a new password 1"}
ROWS = [
    Row("GET", lambda w: "/api/auth/me", (401, 200, 200, 200, 200)),
    Row("GET", lambda w: "/api/sessions", (200, 200, 200, 200, 200)),
    Row("GET", lambda w: f"/api/sessions/{w.session}", (200, 200, 200, 200, 200)),
    Row("GET", lambda w: "/api/occurrences", (200, 200, 200, 200, 200)),
    Row("GET", lambda w: f"/api/occurrences/{w.occurrence}", (200, 200, 200, 200, 200)),
    Row("GET", lambda w: "/api/openapi.json", (200, 200, 200, 200, 200)),
    Row("GET", lambda w: "/api/docs", (200, 200, 200, 200, 200)),
    Row("GET", lambda w: "/api/docs/swagger-ui.css", (200, 200, 200, 200, 200)),
    Row("GET", lambda w: "/api/dictionary/went", (200, 200, 200, 200, 200)),
    Row("GET", lambda w: f"/api/occurrences/{w.occurrence}/messages", (401, 403, 403, 200, 200)),
    Row("GET", lambda w: f"/api/occurrences/{w.occurrence}/attendance", (401, 403, 403, 403, 200)),
    Row("GET", lambda w: "/api/me/vocabulary", (401, 200, 200, 200, 200)),
    Row(
        "POST",
        lambda w: "/api/sessions",
        (401, 403, 201, 403, 201),
        {
            "title": "Another",
            "timezone": "UTC",
            "starts_at": "2026-04-01T10:00:00Z",
            "duration_minutes": 30,
            "capacity": 3,
        },
    ),
    Row("PATCH", lambda w: f"/api/sessions/{w.session}", (401, 403, 403, 403, 200), {"topic": "x"}),
    Row("DELETE", lambda w: f"/api/sessions/{w.spare_session}", (401, 403, 403, 403, 200)),
    Row(
        "PATCH",
        lambda w: f"/api/occurrences/{w.occurrence}",
        (401, 403, 403, 403, 200),
        {"capacity": 6},
    ),
    Row("DELETE", lambda w: f"/api/occurrences/{w.spare_occurrence}", (401, 403, 403, 403, 200)),
    Row("GET", lambda w: f"/api/occurrences/{w.occurrence}/bookings", (401, 403, 403, 403, 200)),
    Row(
        "POST",
        lambda w: f"/api/occurrences/{w.open_occurrence}/waitlist",
        (401, 201, 403, 201, 403),
    ),
    Row(
        "POST",
        lambda w: f"/api/occurrences/{w.open_occurrence}/bookings",
        (401, 200, 403, 200, 403),
    ),
    Row("POST", lambda w: f"/api/sessions/{w.open_session}/bookings", (401, 200, 403, 200, 403)),
    Row("GET", lambda w: "/api/bookings", (401, 200, 200, 200, 200)),
    Row("GET", lambda w: f"/api/bookings/{w.booking}", (401, 403, 403, 200, 403)),
    Row("POST", lambda w: f"/api/occurrences/{w.occurrence}/token", (401, 403, 403, 200, 200)),
    Row("GET", lambda w: "/api/events", (401, 200, 200, 200, 200)),
    Row(
        "GET",
        lambda w: f"/api/occurrences/{w.occurrence}/transcript",
        (401, 403, 403, 200, 200),
    ),
    Row(
        "GET",
        lambda w: f"/api/occurrences/{w.occurrence}/transcript.vtt",
        (401, 403, 403, 200, 200),
    ),
    Row(
        "PUT",
        lambda w: f"/api/sessions/{w.session}/captions",
        (401, 403, 403, 403, 200),
        {"enabled": True},
    ),
    Row("POST", lambda w: "/livekit/webhook", (401, 401, 401, 401, 401), {}),
    Row("DELETE", lambda w: f"/api/bookings/{w.booking}", (401, 403, 403, 200, 403)),
    Row(
        "POST",
        lambda w: f"/api/occurrences/{w.occurrence}/invitations",
        (401, 403, 403, 403, 201),
        {"emails": ["matrix-guest@example.org"]},
    ),
    Row(
        "POST",
        lambda w: f"/api/sessions/{w.session}/invitations",
        (401, 403, 403, 403, 201),
        {"emails": [INVITEE]},
    ),
    Row("GET", lambda w: f"/api/sessions/{w.session}/invitations", (401, 403, 403, 403, 200)),
    Row("GET", lambda w: "/api/invitations", (401, 200, 200, 200, 200)),
    Row("GET", lambda w: "/api/invitations/candidates", (401, 403, 200, 403, 200)),
    Row("POST", lambda w: f"/api/invitations/{w.invitation}/accept", (401, 403, 403, 200, 403)),
    Row("POST", lambda w: f"/api/invitations/{w.declinable}/decline", (401, 403, 403, 200, 403)),
    Row("DELETE", lambda w: f"/api/invitations/{w.spare_invitation}", (401, 403, 403, 403, 200)),
    Row("POST", lambda w: "/api/guest/invitation", (404,) * 5, {"token": "not-a-link"}),
    Row(
        "POST",
        lambda w: "/api/guest/accept",
        (404,) * 5,
        {"token": "not-a-link", "display_name": "Gus"},
    ),
    Row("POST", lambda w: "/api/guest/token", (404,) * 5, {"token": "not-a-link"}),
    Row(
        "POST",
        lambda w: "/api/guest/account",
        (404,) * 5,
        {"token": "not-a-link", "password": "a guest's own password"},
    ),
    Row("GET", lambda w: "/api/me/mail", (401, 200, 200, 200, 200)),
    Row("PUT", lambda w: "/api/me/mail", (401, 200, 200, 200, 200), {"reminders": True}),
    # the notebook, review and recaps are each person's own: someone else's is a 404
    Row("GET", lambda w: "/api/me/notebook", (401, 200, 200, 200, 200)),
    Row("POST", lambda w: "/api/me/notebook", (401, 201, 201, 201, 201), {"word": "house"}),
    Row("PATCH", lambda w: f"/api/me/notebook/{w.word}", (401, 404, 404, 200, 404), {"note": "x"}),
    Row("GET", lambda w: "/api/me/notebook/export.csv", (401, 200, 200, 200, 200)),
    Row("GET", lambda w: "/api/me/notebook/export.apkg", (401, 200, 200, 200, 200)),
    Row("GET", lambda w: "/api/me/review", (401, 200, 200, 200, 200)),
    Row("GET", lambda w: "/api/me/review/count", (401, 200, 200, 200, 200)),
    Row(
        "POST",
        lambda w: f"/api/me/review/{w.card}",
        (401, 404, 404, 200, 404),
        {"rating": "good"},
    ),
    Row("DELETE", lambda w: f"/api/me/notebook/{w.word}", (401, 404, 404, 204, 404)),
    Row("GET", lambda w: "/api/me/learning", (401, 200, 200, 200, 200)),
    Row("PUT", lambda w: "/api/me/learning", (401, 200, 200, 200, 200), {"level": "B1"}),
    Row("GET", lambda w: "/api/me/recaps", (401, 200, 200, 200, 200)),
    # not built yet for anyone (the occurrence has not ended): no one learns more than that
    Row("GET", lambda w: f"/api/occurrences/{w.occurrence}/recap", (401, 404, 404, 404, 404)),
    # accounts as a careful service (api/account_care.py): one's own sign-ins and password
    Row("GET", lambda w: "/api/me/sign-ins", (401, 200, 200, 200, 200)),
    Row("DELETE", lambda w: "/api/me/sign-ins/0", (401, 404, 404, 404, 404)),
    Row("GET", lambda w: "/api/me/email-verification", (401, 200, 200, 200, 200)),
    Row("POST", lambda w: "/api/me/email-verification", (401, 202, 202, 202, 202)),
    Row("POST", lambda w: "/api/me/password", (401, 403, 403, 403, 403), WRONG_PASSWORD),
    Row("POST", lambda w: "/api/auth/password-reset", (202,) * 5, {"email": "no@example.org"}),
    Row("POST", lambda w: "/api/auth/password-reset/confirm", (404,) * 5, NO_LINK_PASSWORD),
    Row("POST", lambda w: "/api/auth/verify-email", (404,) * 5, {"token": "not-a-link"}),
    # last, as it closes the room for good; this API has no livekit-server, so the end is
    # recorded and the answer says the room server did not answer (503)
    Row("POST", lambda w: f"/api/occurrences/{w.occurrence}/end", (401, 403, 403, 403, 503)),
    Row("POST", lambda w: "/api/auth/sign-out", (401, 204, 204, 204, 204)),
]
PUBLIC_WITHOUT_ACTOR = {
    ("POST", "/api/accounts"),
    ("POST", "/api/auth/sign-in"),
    ("GET", "/healthz"),
}


async def _world(api: Api) -> World:
    facilitator = await api.register("facilitator")
    other_facilitator = await api.register("facilitator")
    participant = await api.register()
    other_participant = await api.register()
    start = "2026-03-02T09:10:00Z"  # inside the join window of the clock's "now"
    main = await api.create_session(facilitator, starts_at=start, capacity=5)
    spare = await api.create_session(facilitator, capacity=5)
    open_ = await api.create_session(facilitator, capacity=5)
    occurrence = main["occurrences"][0]["id"]
    booked = await api.call("POST", f"/api/occurrences/{occurrence}/bookings", as_=participant)
    invited = await api.call(
        "POST",
        f"/api/occurrences/{occurrence}/invitations",
        as_=facilitator,
        json={"emails": [participant.email, "matrix-spare@example.org"]},
    )
    declinable = await api.call(
        "POST",
        f"/api/occurrences/{open_['occurrences'][0]['id']}/invitations",
        as_=facilitator,
        json={"emails": [participant.email]},
    )
    await api.call(
        "POST",
        "/api/accounts",
        json={"email": INVITEE, "password": PASSWORD, "display_name": "Ivy"},
    )
    word = await api.call("POST", "/api/me/notebook", as_=participant, json={"word": "went"})
    await api.call(
        "PATCH", f"/api/me/notebook/{word.body['id']}", as_=participant, json={"starred": True}
    )
    due = await api.call("GET", "/api/me/review", as_=participant)
    return World(
        facilitator=facilitator,
        other_facilitator=other_facilitator,
        participant=participant,
        other_participant=other_participant,
        session=main["id"],
        occurrence=occurrence,
        spare_session=spare["id"],
        spare_occurrence=spare["occurrences"][0]["id"],
        open_session=open_["id"],
        open_occurrence=open_["occurrences"][0]["id"],
        booking=booked.body["id"],
        invitation=invited.body["items"][0]["id"],
        declinable=declinable.body["items"][0]["id"],
        spare_invitation=invited.body["items"][1]["id"],
        word=word.body["id"],
        card=due.body["cards"][0]["id"],
    )


async def test_every_endpoint_answers_each_kind_of_caller_as_it_should(api: Api) -> None:
    api.clock.now = datetime.fromisoformat("2026-03-02T09:00:00+00:00")
    world = await _world(api)
    actors = (
        None,
        world.other_participant,
        world.other_facilitator,
        world.participant,
        world.facilitator,
    )
    failures: list[str] = []
    for row in ROWS:
        path = row.path(world)
        for who, actor, expected in zip(ORDER, actors, row.expected, strict=True):
            reply = await api.call(row.method, path, as_=actor, json=row.body)
            if reply.status != expected:
                failures.append(
                    f"{row.method} {path} as {who}: {reply.status} != {expected} {reply.body}"
                )
            elif reply.status >= 400:
                assert set(reply.body) == {"error"}, reply.body  # the one error shape
    assert not failures, "\n".join(failures)


def test_the_matrix_covers_every_documented_operation() -> None:
    templates = {
        "/api/sessions/{id}",
        "/api/occurrences/{id}",
        "/api/occurrences/{id}/bookings",
        "/api/occurrences/{id}/waitlist",
        "/api/occurrences/{id}/token",
        "/api/sessions/{id}/bookings",
        "/api/bookings/{id}",
        "/api/occurrences/{id}/transcript",
        "/api/occurrences/{id}/transcript.vtt",
        "/api/sessions/{id}/captions",
        "/api/dictionary/{word}",
        "/api/occurrences/{id}/messages",
        "/api/occurrences/{id}/attendance",
        "/api/occurrences/{id}/invitations",
        "/api/sessions/{id}/invitations",
        "/api/invitations/{id}",
        "/api/invitations/{id}/accept",
        "/api/invitations/{id}/decline",
        "/api/me/notebook/{id}",
        "/api/me/review/{id}",
        "/api/occurrences/{id}/recap",
        "/api/me/sign-ins/{id}",
        "/api/occurrences/{id}/end",
    }
    sample = World(*([None] * 4), *([0] * 12))  # type: ignore[arg-type]
    covered = set()
    for row in ROWS:
        path = row.path(sample)
        for template in templates:
            if path == template.replace("{id}", "0").replace("{word}", "went"):
                path = template
        if path == "/api/docs/swagger-ui.css":  # one of the viewer's files
            path = "/api/docs/{name}"
        covered.add((row.method, path))
    paths = document()["paths"]
    assert isinstance(paths, dict)
    documented = {
        (method.upper(), path)
        for path, operations in paths.items()
        for method in operations
        if method in ("get", "post", "patch", "delete", "put")
        # the JSON API and the webhook; the web page's own routes are public files
        and path.startswith(("/api/", "/livekit/", "/healthz"))
    }
    assert documented - covered == PUBLIC_WITHOUT_ACTOR
