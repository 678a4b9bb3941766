"""Accounts: registering, signing in, the mailed links, passwords and sign-ins."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field
from typing_extensions import TypedDict

from api.models.base import ANSWER, Body
from api.models.fields import (
    LINE,
    DisplayName,
    Email,
    NewPassword,
    Password,
    Text,
)
from api.models.operations import Time

ROLES = ("participant", "facilitator")  # db/accounts.py: what one registers as

LINK_TOKEN = r"^[A-Za-z0-9_-]+$"
LinkToken = Text(
    LINK_TOKEN,
    max_length=200,
    min_length=1,
    blank="must be the part of the mailed link after # (letters, digits, - and _)",
    trim=False,
    description="The part of the mailed link after `#`",
)


class Registration(Body):
    email: Email
    password: NewPassword
    display_name: DisplayName
    role: Literal["participant", "facilitator"] = "participant"


class Credentials(Body):
    email: Text(LINE, max_length=1000)  # an address as typed: no account has a wrong one
    password: Password


class ResetRequest(Body):
    email: Email


class ResetConfirm(Body):
    token: LinkToken
    password: NewPassword


class LinkTokenBody(Body):
    token: LinkToken


class PasswordChange(Body):
    current_password: Password
    new_password: NewPassword


class User(TypedDict):
    __pydantic_config__ = ANSWER  # type: ignore[misc]
    id: int
    email: str
    display_name: str
    role: Literal["participant", "facilitator"]
    created_at: Time


class SignedIn(TypedDict):
    __pydantic_config__ = ANSWER  # type: ignore[misc]
    token: str
    token_type: Literal["Bearer"]
    expires_at: Time
    csrf_token: Annotated[
        str, Field(description="send as X-CSRF-Token on writes authenticated by the cookie")
    ]
    user: User


class Accepted(TypedDict):
    __pydantic_config__ = ANSWER  # type: ignore[misc]
    message: str


class SignedOut(TypedDict):
    __pydantic_config__ = ANSWER  # type: ignore[misc]
    signed_out: Annotated[int, Field(ge=0, description="How many sign-ins were revoked")]


class VerificationSent(TypedDict):
    __pydantic_config__ = ANSWER  # type: ignore[misc]
    email_verified: bool
    sent: bool


class EmailVerified(TypedDict):
    __pydantic_config__ = ANSWER  # type: ignore[misc]
    email_verified: Literal[True]
    user: User


class VerificationState(TypedDict):
    __pydantic_config__ = ANSWER  # type: ignore[misc]
    email_verified: bool
    required: bool


class SignInEntry(TypedDict):
    __pydantic_config__ = ANSWER  # type: ignore[misc]
    id: int
    created_at: Time
    expires_at: Time
    user_agent: Annotated[str | None, Field(description="The browser or client that signed in")]
    current: Annotated[bool, Field(description="The sign-in of this request")]


class SignIns(TypedDict):
    __pydantic_config__ = ANSWER  # type: ignore[misc]
    items: list[SignInEntry]


REQUESTS = (Registration, Credentials, ResetRequest, ResetConfirm, LinkTokenBody, PasswordChange)
ANSWERS = (
    User,
    SignedIn,
    Accepted,
    SignedOut,
    VerificationSent,
    EmailVerified,
    VerificationState,
    SignIns,
)
