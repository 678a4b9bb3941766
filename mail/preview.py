"""A mail as it would be sent, for people reading the outbox (the CLI and /dev/outbox)."""

from __future__ import annotations

from datetime import datetime
from email import message_from_string
from email.message import EmailMessage
from email.policy import default

from db import Database
from db.outbox import Mail
from mail.compose import compose
from mail.config import MailConfig
from mail.facts import gather

REMOVED = "(The message held a personal link and was removed from the outbox once sent.)"


async def rendered(db: Database, mail: Mail, config: MailConfig, now: datetime) -> str:
    """The stored message, or one rendered now for a mail not yet tried."""
    if mail.message is not None:
        return mail.message
    if mail.status == "sent":
        return REMOVED
    text, _ = compose(await gather(db, mail), config, now)
    return text


def parsed(text: str) -> EmailMessage:
    found = message_from_string(text, policy=default)
    assert isinstance(found, EmailMessage)
    return found


def subject(text: str) -> str:
    return str(parsed(text).get("Subject", "")) if text != REMOVED else ""


def plain_body(text: str) -> str:
    if text == REMOVED:
        return text
    part = parsed(text).get_body(preferencelist=("plain",))
    return part.get_content() if part is not None else ""  # type: ignore[attr-defined]
