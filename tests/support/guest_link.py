"""The guest link a real invitation mail carries, read from the outbox (no SMTP in the stack)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from db import Database
from db.outbox import mails
from mail.config import MailConfig
from mail.preview import plain_body, rendered
from tests.support.stack import RunningStack


async def guest_link(stack: RunningStack, email: str) -> str:
    """The path and fragment (``/guest#{token}``) of the link in the mail to ``email``."""
    db = await Database.open(stack.db_url, run_migrations=False)
    try:
        found = [m for m in await mails(db, limit=10_000) if m.recipient == email]
        assert found, f"no mail to {email} in the outbox"
        text = plain_body(await rendered(db, found[0], MailConfig(), datetime.now(UTC)))
    finally:
        await db.aclose()
    link = re.search(r"https?://[^/\s]+(/guest#\S+)", text)
    assert link is not None, text
    return link.group(1)
