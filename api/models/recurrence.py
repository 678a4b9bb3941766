"""A session's recurrence: none, or a repetition with exactly one end. A request sends it
(SessionInput, SessionPatch) and a Session answer shows it, in the same shape; api/recurrence.py
turns it into an RFC 5545 rule and back."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    ConfigDict,
    Discriminator,
    PlainValidator,
    RootModel,
    Tag,
    WithJsonSchema,
    model_validator,
)

from api.models.base import Body, stating
from api.models.fields import Day, Whole, refuse

MAX_COUNT = 200  # meetings of a series (api/recurrence.py expands at most this many)
REPEATING = ("weekly", "biweekly", "monthly")
FREQUENCIES = ("none", *REPEATING)
ONE_END = (
    f"needs exactly one end: recurrence.count (at most {MAX_COUNT}) or recurrence.until"
    " (within a year of the start)"
)


def _needs_repetition(value: object) -> None:
    raise refuse("needs a frequency other than none")


# count or until sent with frequency none (null is left out): refused, named after the field.
_NoEnd = Annotated[None, PlainValidator(_needs_repetition), WithJsonSchema({"type": "null"})]


class NoRecurrence(Body):
    """One meeting, not a series."""

    frequency: Literal["none"]
    count: _NoEnd = None
    until: _NoEnd = None


def _repeating(value: object) -> str:
    if value not in REPEATING:
        raise refuse(f"must be one of: {', '.join(repr(f) for f in FREQUENCIES)}")
    return str(value)


# The document says what ``_exactly_one_end`` checks (a null count or until is absent).
_ONE_END = stating(
    oneOf=[
        {"required": ["count"], "properties": {"count": {"type": "integer"}}},
        {"required": ["until"], "properties": {"until": {"type": "string"}}},
    ]
)


class Repetition(Body):
    """A series, exactly one of count and until (null is left out): it repeats the first
    start's wall-clock time in the session's time zone."""

    model_config = _ONE_END

    frequency: Annotated[
        Literal["weekly", "biweekly", "monthly"],
        PlainValidator(_repeating),
        WithJsonSchema({"type": "string", "enum": list(REPEATING)}),
    ]
    count: Whole(1, MAX_COUNT) | None = None
    until: Annotated[
        Day | None,
        WithJsonSchema(
            {
                "type": "string",
                "format": "date",
                "description": "last day (in the session's time zone), within a year of the start",
            }
        ),
    ] = None

    @model_validator(mode="after")
    def _exactly_one_end(self) -> Repetition:
        if (self.count is None) == (self.until is None):
            raise refuse(ONE_END)
        return self


def _branch(value: Any) -> str:
    """Which branch reads a recurrence: every frequency but none is a repetition's, so a
    wrong or missing one is refused as recurrence.frequency, with the four it may be."""
    if isinstance(value, NoRecurrence | Repetition):
        return "none" if isinstance(value, NoRecurrence) else "repeating"
    frequency = value.get("frequency") if isinstance(value, dict) else None
    return "none" if frequency == "none" else "repeating"


class Recurrence(
    RootModel[
        Annotated[
            Annotated[NoRecurrence, Tag("none")] | Annotated[Repetition, Tag("repeating")],
            Discriminator(_branch),
        ]
    ]
):
    """`none`, or a repetition with exactly one end: `count` or `until`."""

    model_config = ConfigDict(strict=True, frozen=True)
