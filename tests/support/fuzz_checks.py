"""Schemathesis checks of our own, loaded by tests/test_api_fuzz.py through SCHEMATHESIS_HOOKS."""

from __future__ import annotations

import json
import os

import schemathesis


@schemathesis.check
def json_error_shape(ctx, response, case) -> bool | None:  # type: ignore[no-untyped-def]
    """Every 4xx/5xx answer is ``{"error": {"code": str, "message": str}}``, but for the web
    page's own 404 (text/html: the page, which tells a person there is no such room)."""
    if response.status_code < 400 or case.operation.path == "/readyz":
        return None  # /readyz's 503 is its readiness report (a documented schema of its own)
    if response.status_code == 404 and not case.operation.path.startswith("/api/"):
        headers = {name.lower(): values for name, values in response.headers.items()}
        if headers.get("content-type", [""])[0].startswith("text/html"):
            return None
    try:
        body = json.loads(response.content)
    except ValueError:
        raise AssertionError(
            f"{response.status_code} answer is not JSON: {response.content[:120]!r}"
        ) from None
    error = body.get("error") if isinstance(body, dict) else None
    if not (
        isinstance(error, dict)
        and isinstance(error.get("code"), str)
        and isinstance(error.get("message"), str)
    ):
        raise AssertionError(f"{response.status_code} answer lacks the error shape: {body!r}")
    return None


GUEST_TOKEN_VARIABLE = "COLEARN_FUZZ_GUEST_TOKEN"
GUEST_PATHS = "/api/guest/"


@schemathesis.hook
def before_call(ctx, case, kwargs) -> None:  # type: ignore[no-untyped-def]
    """As a guest: schema-valid requests to /api/guest/* carry the guest link's real token.

    A guest has no account; the token from the link is their credential, sent in the body. A
    generated token would only ever be an unknown link (404), so the guest's own operations
    would never be reached. Schema-violating requests keep what was generated.
    """
    token = os.environ.get(GUEST_TOKEN_VARIABLE)
    if not token or not case.operation.path.startswith(GUEST_PATHS):
        return
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return
    if isinstance(case.body, dict) and "token" in case.body:
        case.body["token"] = token
