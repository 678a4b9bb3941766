"""What every area shares (the error, a time, a person) and the service's own answers."""

from __future__ import annotations

from typing import Annotated

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


REQUESTS: tuple[type, ...] = ()
ANSWERS: tuple[type, ...] = (Error, Person)
