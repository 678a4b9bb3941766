"""Schemathesis checks of our own, loaded by tests/test_api_fuzz.py through SCHEMATHESIS_HOOKS."""

from __future__ import annotations

import json

import schemathesis


@schemathesis.check
def json_error_shape(ctx, response, case) -> bool | None:  # type: ignore[no-untyped-def]
    """Every 4xx/5xx answer is ``{"error": {"code": str, "message": str}}``."""
    if response.status_code < 400 or case.operation.path == "/readyz":
        return None  # /readyz's 503 is its readiness report (a documented schema of its own)
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
