"""The kinds of value a request sends, each stated once: the check it passes and the JSON
Schema the OpenAPI document gives for it come from the same few lines.

A check that fails raises ``PydanticCustomError`` with a message that reads after the field's
name ("must be at most 80 characters"); api/validation.py puts the name in front.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import cache
from typing import Annotated, Any, Literal
from zoneinfo import available_timezones

from pydantic import PlainValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from api import passwords
from colearn.languages import WHISPER_LANGUAGES

EXAMPLE_TIME = "2026-03-20T18:00:00+01:00"
# What text is trimmed of: "not blank" below is a character above U+0020 (`[^\x00-\x20]`),
# so a no-break or ideographic space is text, as it is in the document.
ASCII_SPACE = " \t\n\r\x0b\x0c"
# One line: no control character, at least one character above a space.
LINE = r"^[^\x00-\x1f]*[^\x00-\x20][^\x00-\x1f]*$"
# One line that may be blank (a blank one keeps what is stored, where a field says so).
LINE_OR_BLANK = r"^[^\x00-\x1f]*$"
# Prose: tabs and new lines allowed, no other control character.
PROSE = r"^[^\x00-\x08\x0b-\x1f]*$"

# Whitespace as Python's str.isspace() knows it (what str.strip() trims), spelt out: JSON
# Schema's \s is ECMA-262's, another set.
WHITESPACE = r"\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
SPACES = r"\x00-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
EMAIL = rf"^[{WHITESPACE}]*[^@{SPACES}]+@[^@{SPACES}]+\.[^@.{SPACES}]+[{WHITESPACE}]*$"
# Fewer than 4 different characters (the document states it with `not`).
FEW_CHARACTERS = r"^([\s\S])\1*(?:([\s\S])(?:\1|\2)*(?:([\s\S])(?:\1|\2|\3)*)?)?$"


def refuse(message: str, **context: object) -> PydanticCustomError:
    return PydanticCustomError("colearn", message, dict(context) or None)


def _text_rule(
    pattern: str, *, max_length: int, min_length: int = 0, blank: str, trim: bool
) -> Any:
    rule = re.compile(pattern)

    def check(value: object) -> str:
        if not isinstance(value, str):
            raise refuse("must be text")
        if len(value) > max_length:
            raise refuse(f"must be at most {max_length} characters")
        if len(value) < min_length:
            raise refuse(f"must be at least {min_length} characters")
        if not rule.match(value):
            if any(ord(c) < 32 and c not in "\t\n" for c in value) or (
                pattern != PROSE and any(c in "\t\n" for c in value)
            ):
                raise refuse(
                    "must not contain control characters"
                    + ("" if pattern == PROSE else " (it is one line)")
                )
            raise refuse(blank)
        return value.strip(ASCII_SPACE) if trim else value

    return check


def Text(
    pattern: str,
    *,
    max_length: int,
    min_length: int = 0,
    description: str | None = None,
    blank: str = "must not be empty",
    trim: bool = True,
) -> Any:
    """Text matching ``pattern`` (one of LINE, LINE_OR_BLANK, PROSE), trimmed of ASCII space."""
    schema: dict[str, object] = {"type": "string", "maxLength": max_length, "pattern": pattern}
    if min_length:
        schema["minLength"] = min_length
    if description:
        schema["description"] = description
    check = _text_rule(
        pattern, max_length=max_length, min_length=min_length, blank=blank, trim=trim
    )
    return Annotated[str, PlainValidator(check), WithJsonSchema(schema)]


def Whole(minimum: int, maximum: int, *, description: str | None = None) -> Any:
    """A whole number from ``minimum`` to ``maximum``; JSON's 48.0 is 48."""

    def check(value: object) -> int:
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # JSON (and JSON Schema's integer) does not tell 48.0 from 48
        if not isinstance(value, int) or isinstance(value, bool):
            raise refuse(f"must be a whole number between {minimum} and {maximum}")
        if not minimum <= value <= maximum:
            raise refuse(f"must be between {minimum} and {maximum}, got {value}")
        return value

    schema: dict[str, object] = {"type": "integer", "minimum": minimum, "maximum": maximum}
    if description:
        schema["description"] = description
    return Annotated[int, PlainValidator(check), WithJsonSchema(schema)]


def _flag(value: object) -> bool:
    if not isinstance(value, bool):
        raise refuse("must be true or false")
    return value


Flag = Annotated[bool, PlainValidator(_flag), WithJsonSchema({"type": "boolean"})]


def parse_instant(value: object) -> datetime:
    moment = None
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            moment = None
    if moment is None or moment.tzinfo is None:
        raise refuse(f"must be an ISO-8601 time with a UTC offset, e.g. {EXAMPLE_TIME}")
    return moment


Instant = Annotated[
    datetime,
    PlainValidator(parse_instant),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]


def _day(value: object) -> date:
    try:
        if isinstance(value, str) and len(value) == 10:
            return date.fromisoformat(value)
    except ValueError:
        pass
    raise refuse("must be a date like 2026-12-31")


Day = Annotated[date, PlainValidator(_day), WithJsonSchema({"type": "string", "format": "date"})]


@cache
def time_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def _zone(value: object) -> str:
    if not isinstance(value, str) or value not in time_zones():
        raise refuse("must be an IANA time zone such as Europe/Berlin")
    return value


TimeZone = Annotated[
    str,
    PlainValidator(_zone),
    WithJsonSchema(
        {
            "type": "string",
            "description": "IANA name, e.g. Europe/Berlin (the enum: this server's zones)",
            "enum": sorted(time_zones()),
        }
    ),
]

_EMAIL = re.compile(EMAIL)


def _email(value: object) -> str:
    """An address as the document states it, in the one spelling kept (NFKC, lower case).
    That spelling may be no address: see ``usable_email`` (a 422, a rule no schema states)."""
    if not isinstance(value, str) or len(value) > passwords.MAX_EMAIL or not _EMAIL.match(value):
        shown = repr(value) + " " if isinstance(value, str) and len(value) <= 60 else ""
        raise refuse(
            f"{shown}is not valid: email must be an address like name@example.org"
            f" (at most {passwords.MAX_EMAIL} characters, no spaces)"
        )
    return passwords.normalise_email(value)


def parse_email(value: object, name: str) -> str:
    """``value`` read as an Email field named ``name`` (400 naming it if it is not one)."""
    from api.validation import invalid

    try:
        return _email(value)
    except PydanticCustomError as exc:
        raise invalid(f"{name} {exc.message()}") from None


Email = Annotated[
    str,
    PlainValidator(_email),
    WithJsonSchema(
        {
            "type": "string",
            "maxLength": passwords.MAX_EMAIL,
            "pattern": EMAIL,
            "description": "name@example.org, without spaces inside (those around it are"
            " trimmed); kept in its one spelling, Unicode NFKC and lower case (422"
            " `email_not_usable` if that is no address)",
        }
    ),
]


def _secret(value: object) -> str:
    if not isinstance(value, str):
        raise refuse("must be text")
    if len(value) > passwords.MAX_PASSWORD:
        raise refuse(f"must be at most {passwords.MAX_PASSWORD} characters")
    return value


def _new_password(value: object) -> str:
    password = _secret(value)
    if len(password) < passwords.MIN_PASSWORD:
        raise refuse(f"must be at least {passwords.MIN_PASSWORD} characters")
    if len(set(password)) < 4:
        raise refuse("must use at least 4 different characters")
    return password


# A password being chosen, with the rules a schema can state; the rules no schema states
# (not a common one, not the email's name) are the handler's 422 (api/validation.py).
NewPassword = Annotated[
    str,
    PlainValidator(_new_password),
    WithJsonSchema(
        {
            "type": "string",
            "minLength": passwords.MIN_PASSWORD,
            "maxLength": passwords.MAX_PASSWORD,
            "not": {"pattern": FEW_CHARACTERS, "description": "fewer than 4 different characters"},
            "description": "at least 4 different characters; not a common password, nor one"
            " containing the email's name",
        }
    ),
]
# A password given to prove who one is: taken exactly as sent.
Password = Annotated[
    str,
    PlainValidator(_secret),
    WithJsonSchema({"type": "string", "maxLength": passwords.MAX_PASSWORD}),
]

DisplayName = Text(LINE, max_length=passwords.MAX_NAME)

# CEFR levels; "" means any level (a session for everyone, a learner who has not said).
Level = Literal["", "A1", "A2", "B1", "B2", "C1", "C2"]
CefrLevel = Literal["A1", "A2", "B1", "B2", "C1", "C2"]


def _language(value: object) -> str:
    if not isinstance(value, str) or value not in WHISPER_LANGUAGES:
        raise refuse(
            "must be a Whisper language code such as 'en', 'de' or 'es' (docs/captions.md)"
        )
    return value


Language = Annotated[
    str,
    PlainValidator(_language),
    WithJsonSchema(
        {
            "type": "string",
            "enum": list(WHISPER_LANGUAGES),
            "description": "The language the session is held in, a Whisper language code"
            " ('en' by default): its room's captions are in it (see docs/captions.md for a"
            " server with an English-only model).",
        }
    ),
]
