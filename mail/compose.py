"""A mail as sent: plain text and HTML alternatives, and the .ics attached."""

from __future__ import annotations

import html
from datetime import datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime

from mail.calendar import calendar
from mail.config import MailConfig
from mail.facts import Facts
from mail.texts import Wording, wording

_HTML = """<!doctype html>
<html lang="en"><body style="font-family: system-ui, sans-serif; line-height: 1.5; color: #1b1b1f">
{paragraphs}
<p><a href="{link}" style="display: inline-block; padding: 0.6em 1.2em; background: #2f5bd3;
color: #fff; border-radius: 6px; text-decoration: none">{label}</a></p>
<p style="color: #666; font-size: 0.9em">Or open {link_text}<br>The attached calendar entry
keeps your calendar up to date.</p>
</body></html>
"""


# CRLF line ends. Headers are not folded at 78 characters: Python's folder would put a long
# Subject on a line of its own after "Subject:", which some readers show with a leading space.
_WIRE = SMTP.clone(max_line_length=998)


def message_id(mail_id: int, host: str) -> str:
    """Fixed by the outbox row: a mail sent twice after a crash has the same Message-ID,
    which receivers use to show it once."""
    return f"<colearn-mail-{mail_id}@{host}>"


def _wording(facts: Facts, config: MailConfig) -> Wording:
    occurrence = facts.occurrence or facts.first
    room = config.link(f"/room/{occurrence.id}") if occurrence else config.link("/dashboard")
    token = facts.token
    words = wording(
        facts,
        dashboard=config.link("/dashboard"),
        room=room,
        guest_link=config.link(f"/guest#{token}") if token else None,
    )
    if facts.mail.user_id is None and token is None and facts.mail.kind != "invitation_withdrawn":
        # a guest, in a mail written without their link (it is stored only until sent)
        words.paragraphs.append("Join with the personal link from your invitation mail.")
    return words


def _text(words: Wording) -> str:
    return (
        "\n\n".join([*words.paragraphs, f"{words.link_label}: {words.link}"])
        + "\n\n-- \nCo~Learn\n"
    )


def _html(words: Wording) -> str:
    paragraphs = "\n".join(f"<p>{html.escape(p)}</p>" for p in words.paragraphs)
    link = html.escape(words.link, quote=True)
    return _HTML.format(
        paragraphs=paragraphs, link=link, label=html.escape(words.link_label), link_text=link
    )


def compose(facts: Facts, config: MailConfig, stamp: datetime) -> tuple[str, str]:
    """The whole message (RFC 5322, CRLF line ends) and its Message-ID."""
    mail = facts.mail
    words = _wording(facts, config)
    msg = EmailMessage()
    msg["Subject"] = words.subject
    msg["From"] = config.mail_from
    msg["To"] = mail.recipient
    msg["Date"] = format_datetime(stamp)
    ident = message_id(mail.id, config.host_name)
    msg["Message-ID"] = ident
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(_text(words))
    msg.add_alternative(_html(words), subtype="html")
    ics = calendar(
        facts, organizer=config.envelope_from, host=config.host_name, link=words.link, stamp=stamp
    )
    method = mail.ical_method
    msg.add_attachment(
        ics,
        maintype="text",
        subtype="calendar",
        filename="cancel.ics" if method == "CANCEL" else "invite.ics",
        params={"method": method, "charset": "utf-8"},
    )
    return msg.as_string(policy=_WIRE), ident
