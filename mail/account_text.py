"""Mails about the account itself (``db.account_tokens``): verify the address, set a new
password. They carry a single-use link and no calendar entry."""

from __future__ import annotations

from db.account_tokens import PASSWORD_RESET, VERIFY_EMAIL
from db.outbox import Mail
from db.times import from_db
from mail.texts import Wording

KINDS = frozenset({VERIFY_EMAIL, PASSWORD_RESET})
# Where each link leads on the web page (web/src/account/), after COLEARN_PUBLIC_URL like
# every link in our mails; the token follows the "#", so it never reaches a server's
# access log. The page sends it to the API operation named in docs/accounts.md.
PATHS = {VERIFY_EMAIL: "/verify-email", PASSWORD_RESET: "/reset-password"}


def _until(mail: Mail) -> str:
    raw = mail.payload.get("expires_at")
    return f"{from_db(raw):%A %-d %B %Y, %H:%M} UTC" if raw else "a short while"


def account_wording(mail: Mail, link: str) -> Wording:
    if mail.kind == VERIFY_EMAIL:
        lines = [
            "Welcome to Co~Learn. Please confirm that this address is yours.",
            f"The link works once, until {_until(mail)}.",
            "If you did not make an account, ignore this mail.",
        ]
        return Wording("Confirm your email address", lines, link, "Confirm my address")
    if mail.kind == PASSWORD_RESET:
        lines = [
            "Someone (we hope you) asked to set a new password for your Co~Learn account.",
            f"The link works once, until {_until(mail)}. Setting a new password signs you"
            " out everywhere.",
            "If it was not you, ignore this mail: your password stays as it is.",
        ]
        return Wording("Set a new password", lines, link, "Set a new password")
    raise ValueError(f"not an account mail: {mail.kind!r}")
