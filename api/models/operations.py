"""What every area shares (the error, a time, a person) and the service's own answers."""

from __future__ import annotations

from typing import Annotated, Literal, NotRequired

from pydantic import Field
from typing_extensions import TypedDict

from api.models.base import ANSWER

# An instant as answers write it (api/views.instant: ISO-8601 in UTC with a Z).
Time = Annotated[str, Field(json_schema_extra={"format": "date-time"})]


class ErrorDetail(TypedDict):
    __pydantic_config__ = ANSWER  # type: ignore[misc]
    code: str
    message: str


class Error(TypedDict):
    """Every failure's body."""

    __pydantic_config__ = ANSWER  # type: ignore[misc]
    error: ErrorDetail


class Person(TypedDict):
    __pydantic_config__ = ANSWER  # type: ignore[misc]
    id: int
    display_name: str


class Alive(TypedDict):
    __pydantic_config__ = ANSWER  # type: ignore[misc]
    status: Literal["ok"]


class _Check(TypedDict):
    ok: bool
    error: NotRequired[Annotated[str, Field(description="What failed (only when ok is false)")]]


class DatabaseCheck(_Check):
    __pydantic_config__ = ANSWER  # type: ignore[misc]
    schema_version: NotRequired[int]


class LivekitCheck(_Check):
    __pydantic_config__ = ANSWER  # type: ignore[misc]
    url: NotRequired[str]


class AgentCheck(_Check):
    __pydantic_config__ = ANSWER  # type: ignore[misc]
    workers: NotRequired[Annotated[int, Field(description="Workers heard from in the last 10 s")]]


class OutboxCheck(_Check):
    __pydantic_config__ = ANSWER  # type: ignore[misc]
    sending: NotRequired[
        Annotated[bool, Field(description="false when no SMTP server is configured")]
    ]
    pending: NotRequired[int]
    failed: NotRequired[int]
    oldest_due_age_seconds: NotRequired[float]


class Checks(TypedDict):
    __pydantic_config__ = ANSWER  # type: ignore[misc]
    database: DatabaseCheck
    livekit: LivekitCheck
    agent: AgentCheck
    outbox: OutboxCheck


class Readiness(TypedDict):
    __pydantic_config__ = ANSWER  # type: ignore[misc]
    status: Literal["ready", "not_ready"]
    failed: list[Literal["database", "livekit", "agent", "outbox"]]
    checks: Checks


class WebhookAck(TypedDict):
    __pydantic_config__ = ANSWER  # type: ignore[misc]
    status: Literal["ok", "duplicate"]


REQUESTS: tuple[type, ...] = ()
ANSWERS: tuple[type, ...] = (Error, Person, Alive, Readiness, WebhookAck)
