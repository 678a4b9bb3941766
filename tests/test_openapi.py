"""The OpenAPI document stays true: every route is in it, and real answers match its schemas."""

from __future__ import annotations

import re
from typing import Any

from jsonschema import Draft202012Validator

from api.openapi import document
from tests.support.api_client import Api, Reply

SPEC: dict[str, Any] = document()  # type: ignore[assignment]
METHODS = ("get", "post", "put", "patch", "delete")


def _template_regex(template: str) -> re.Pattern[str]:
    return re.compile("^" + re.sub(r"\\\{[a-z_]+\\\}", r"\\d+", re.escape(template)) + "$")


TEMPLATES = [(t, _template_regex(t)) for t in SPEC["paths"]]


def _schema_for(method: str, path: str, status: int) -> dict[str, Any] | None:
    template = next(t for t, regex in TEMPLATES if regex.match(path.split("?")[0]))
    responses = SPEC["paths"][template][method.lower()]["responses"]
    assert str(status) in responses, f"{method} {template} does not document {status}"
    response = responses[str(status)]
    if "$ref" in response:
        response = SPEC["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    content = response.get("content", {})
    return content.get("application/json", {}).get("schema")


def _check(method: str, path: str, reply: Reply) -> None:
    schema = _schema_for(method, path, reply.status)
    if schema is None:
        assert reply.body is None, f"{method} {path} {reply.status} has an undocumented body"
        return
    validator = Draft202012Validator({**schema, "components": SPEC["components"]})
    errors = sorted(validator.iter_errors(reply.body), key=str)
    assert not errors, f"{method} {path} {reply.status}: {errors[0].message}"


async def test_served_document_is_this_file(api: Api) -> None:
    reply = await api.call("GET", "/api/openapi.json")
    assert reply.status == 200 and reply.body == SPEC
    assert SPEC["openapi"].startswith("3.1")


async def test_every_route_is_documented_and_every_documented_route_exists(api: Api) -> None:
    served = set()
    for route in api.client.app.router.routes():
        if route.method == "HEAD":
            continue
        info = route.resource.get_info() if route.resource else {}
        path = info.get("path") or info.get("formatter")
        served.add((route.method.lower(), re.sub(r"\{(\w+):[^}]+\}", r"{\1}", str(path))))
    documented = {
        (method, path)
        for path, operations in SPEC["paths"].items()
        for method in operations
        if method in METHODS
    }
    assert served == documented


def test_every_client_error_is_documented_with_the_one_error_shape() -> None:
    for path, operations in SPEC["paths"].items():
        for method, operation in operations.items():
            if method not in METHODS:
                continue
            for status in operation["responses"]:
                if 400 <= int(status) < 500:  # 503 of /readyz is its readiness report
                    schema = _schema_for(method, re.sub(r"\{\w+\}", "1", path), int(status))
                    assert schema == {"$ref": "#/components/schemas/Error"}, (path, method, status)


async def test_answers_of_a_whole_flow_match_the_document(api: Api) -> None:
    ada = await api.register("facilitator")
    lee, kim = await api.register(), await api.register()
    calls: list[tuple[str, str, dict[str, Any] | None, Any]] = []

    async def call(method: str, path: str, who: Any = None, body: Any = None) -> Reply:
        reply = await api.call(method, path, as_=who, json=body)
        _check(method, path, reply)
        calls.append((method, path, body, reply.status))
        return reply

    await call("GET", "/api/auth/me", ada)
    await call("GET", "/api/auth/me")
    created = await call(
        "POST",
        "/api/sessions",
        ada,
        {
            "title": "Club",
            "description": "Talk",
            "level": "B2",
            "topic": "Work",
            "timezone": "Europe/Berlin",
            "starts_at": "2026-03-03T18:00:00+01:00",
            "duration_minutes": 45,
            "capacity": 1,
            "recurrence": {"frequency": "weekly", "until": "2026-03-31"},
        },
    )
    session = created.body["id"]
    occurrence = created.body["occurrences"][0]["id"]
    await call("POST", "/api/sessions", ada, {"title": "x"})
    await call("POST", "/api/sessions", lee, {})
    await call("GET", "/api/sessions")
    await call("GET", f"/api/sessions/{session}")
    await call("GET", "/api/sessions/999")
    await call("PATCH", f"/api/sessions/{session}", ada, {"description": "More talk"})
    await call("PATCH", f"/api/sessions/{session}", kim, {"description": "Mine now"})
    await call("GET", "/api/occurrences?has_seats=true&limit=2")
    await call("GET", f"/api/occurrences/{occurrence}")
    await call("PATCH", f"/api/occurrences/{occurrence}", ada, {"duration_minutes": 50})
    booked = await call("POST", f"/api/occurrences/{occurrence}/bookings", lee)
    await call("POST", f"/api/occurrences/{occurrence}/bookings", lee)
    await call("POST", f"/api/occurrences/{occurrence}/bookings", kim)
    await call("POST", f"/api/occurrences/{occurrence}/waitlist", kim)
    await call("POST", f"/api/sessions/{session}/bookings", kim)
    await call("GET", f"/api/occurrences/{occurrence}/bookings", ada)
    await call("GET", "/api/bookings", kim)
    await call("GET", f"/api/bookings/{booked.body['id']}", lee)
    await call("POST", f"/api/occurrences/{occurrence}/token", lee)
    api.clock.now = api.clock.now.replace(day=3, hour=16, minute=50)
    await call("POST", f"/api/occurrences/{occurrence}/token", lee)
    await call("DELETE", f"/api/bookings/{booked.body['id']}", lee)
    await call("DELETE", f"/api/occurrences/{occurrence}", ada)
    await call("DELETE", f"/api/sessions/{session}", ada)
    await call("POST", "/api/auth/sign-out", lee)
    statuses = {status for *_, status in calls}
    assert {200, 201, 400, 401, 403, 404, 409} <= statuses


async def test_answers_about_invitations_match_the_document(api: Api) -> None:
    ada = await api.register("facilitator")
    lee = await api.register()
    statuses: set[int] = set()

    async def call(method: str, path: str, who: Any = None, body: Any = None) -> Reply:
        reply = await api.call(method, path, as_=who, json=body)
        _check(method, path, reply)
        statuses.add(reply.status)
        return reply

    session = await api.create_session(ada, recurrence={"frequency": "weekly", "count": 2})
    occurrence = session["occurrences"][0]["id"]
    invited = await call(
        "POST",
        f"/api/occurrences/{occurrence}/invitations",
        ada,
        {"emails": [lee.email, "guest@example.org"], "hold_minutes": 30},
    )
    await call("POST", f"/api/occurrences/{occurrence}/invitations", ada, {"emails": ["x"]})
    await call("POST", f"/api/sessions/{session['id']}/invitations", ada, {"emails": [lee.email]})
    await call("GET", f"/api/sessions/{session['id']}/invitations", ada)
    await call("GET", "/api/invitations", lee)
    await call("GET", "/api/invitations/candidates", ada)
    member, guest = (item["id"] for item in invited.body["items"])
    await call("POST", f"/api/invitations/{member}/accept", lee)
    await call("POST", f"/api/invitations/{member}/decline", lee)
    await call("DELETE", f"/api/invitations/{member}", ada)
    await call("POST", "/api/guest/invitation", None, {"token": "unknown"})
    await call("GET", "/api/me/mail", lee)
    await call("PUT", "/api/me/mail", lee, {"reminders": False})
    await call("PUT", "/api/me/mail", lee, {})
    await call("DELETE", f"/api/invitations/{guest}", ada)
    assert {200, 201, 400, 404, 409} <= statuses
