"""A mail as sent: plain text and HTML alternatives, and the .ics attached."""

from __future__ import annotations

import html
from datetime import datetime
from email.charset import QP, Charset
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import SMTP, compat32
from email.utils import format_datetime

from mail.account_text import KINDS as ACCOUNT_KINDS
from mail.account_text import PATHS, account_wording
from mail.calendar import calendar
from mail.config import MailConfig
from mail.facts import Facts
from mail.texts import Wording, wording

_HTML = """<!doctype html>
<html lang="en"><body style="font-family: system-ui, sans-serif; line-height: 1.5; color: #1b1b1f">
{paragraphs}
<p><a href="{link}" style="display: inline-block; padding: 0.6em 1.2em; background: #2f5bd3;
color: #fff; border-radius: 6px; text-decoration: none">{label}</a></p>
<p style="color: #666; font-size: 0.9em">Or open {link_text}{footnote}</p>
</body></html>
"""

# The compat32 MIME classes: the modern EmailMessage API parses every header it is given
# and made composing cost about 6 ms a mail, most of the sender's time. CRLF line ends;
# headers are not folded at 78 characters (Python's folder can put a long Subject on a
# line of its own, which some readers show with a leading space).
_WIRE = compat32.clone(linesep="\r\n", max_line_length=998)
_UTF8 = Charset("utf-8")
_UTF8.body_encoding = QP
_HEADER = SMTP.clone(max_line_length=998)


def message_id(mail_id: int, host: str) -> str:
    """Fixed by the outbox row: a mail sent twice after a crash has the same Message-ID,
    which receivers use to show it once."""
    return f"<colearn-mail-{mail_id}@{host}>"


def _wording(facts: Facts, config: MailConfig) -> Wording:
    if facts.mail.kind in ACCOUNT_KINDS:
        link = config.link(f"{PATHS[facts.mail.kind]}#{facts.token or ''}")
        return account_wording(facts.mail, link)
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
    lines = [*words.paragraphs, f"{words.link_label}: {words.link}"]
    return "\n\n".join(lines) + "\n\n-- \nCo~Learn\n"


_CALENDAR_NOTE = "<br>The attached calendar entry\nkeeps your calendar up to date."


def _html(words: Wording, *, calendar_attached: bool = True) -> str:
    # a paragraph's own line breaks (a recap's word list) stay line breaks
    paragraphs = "\n".join(
        f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>" for p in words.paragraphs
    )
    link = html.escape(words.link, quote=True)
    return _HTML.format(
        footnote=_CALENDAR_NOTE if calendar_attached else "",
        paragraphs=paragraphs,
        link=link,
        label=html.escape(words.link_label),
        link_text=link,
    )


def _header(value: str) -> str:
    """RFC 2047-encoded where it is not ASCII (a title or a name may not be)."""
    return (
        value
        if value.isascii()
        else _HEADER.header_factory("subject", value).fold(policy=_HEADER).split(":", 1)[1].strip()
    )


def compose(facts: Facts, config: MailConfig, stamp: datetime) -> tuple[str, str]:
    """The whole message (RFC 5322, CRLF line ends) and its Message-ID."""
    mail = facts.mail
    words = _wording(facts, config)
    body = MIMEMultipart("alternative")
    body.attach(MIMEText(_text(words), "plain", _UTF8))
    # a recap (mail/recap_text.py) and an account's mail are about no calendar entry
    dated = mail.kind != "recap" and mail.kind not in ACCOUNT_KINDS
    body.attach(MIMEText(_html(words, calendar_attached=dated), "html", _UTF8))
    parts = [body]
    if dated:
        ics = calendar(
            facts,
            organizer=config.envelope_from,
            host=config.host_name,
            link=words.link,
            stamp=stamp,
        )
        method = mail.ical_method
        attachment = MIMEApplication(ics, "ics")
        attachment.replace_header(
            "Content-Type", f'text/calendar; method="{method}"; charset="utf-8"'
        )
        name = "cancel.ics" if method == "CANCEL" else "invite.ics"
        attachment.add_header("Content-Disposition", "attachment", filename=name)
        parts.append(attachment)
    msg = MIMEMultipart("mixed", _subparts=parts)
    ident = message_id(mail.id, config.host_name)
    msg["Subject"] = _header(words.subject)
    msg["From"] = _header(config.mail_from)
    msg["To"] = mail.recipient
    msg["Date"] = format_datetime(stamp)
    msg["Message-ID"] = ident
    msg["Auto-Submitted"] = "auto-generated"
    if mail.request_id:
        msg["X-Request-ID"] = mail.request_id  # the API request that caused it, for the logs
    return msg.as_string(policy=_WIRE), ident
