"""What each kind of mail says: subject, paragraphs and the one link to act on.

All user-facing wording of mails is here. Times are given in the session's own time zone,
named, so "18:00 (Europe/Berlin)" reads right wherever the person is.
"""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from db import bookings, outbox
from db.occurrences import Occurrence
from mail.facts import Facts


@dataclass(frozen=True)
class Wording:
    subject: str
    paragraphs: list[str]
    link: str
    link_label: str


def when(occurrence: Occurrence) -> str:
    tz = ZoneInfo(occurrence.timezone)
    start, end = occurrence.starts_at.astimezone(tz), occurrence.ends_at.astimezone(tz)
    return f"{start:%A %-d %B %Y, %H:%M}-{end:%H:%M} ({occurrence.timezone})"


def _what(facts: Facts) -> str:
    """The meeting or the series, as a subject line names it."""
    title = facts.session.fields.title
    first = facts.first
    if facts.occurrence is None and first is not None:
        return f"{title} (series, next: {when(first)})"
    return f"{title}, {when(first)}" if first is not None else title


_CANCEL_REASONS = {
    bookings.OCCURRENCE_CANCELLED: "{facilitator} cancelled this meeting.",
    bookings.SESSION_CANCELLED: "{facilitator} cancelled the whole series.",
    bookings.RESCHEDULED: (
        "{facilitator} moved the series to new times; this meeting is no longer part of it."
    ),
}


def wording(facts: Facts, *, dashboard: str, room: str, guest_link: str | None) -> Wording:
    """``room`` is where the person joins (the guest link for a guest)."""
    kind = facts.mail.kind
    if kind == "recap":  # vocabulary recap after a session (mail/recap_text.py)
        from mail.recap_text import recap_wording

        return recap_wording(facts.mail.payload.get("recap") or {}, link=dashboard)
    facilitator = facts.session.facilitator_name
    what = _what(facts)
    title = facts.session.fields.title
    join = guest_link or room
    if kind == outbox.INVITATION:
        lines = [f"{facilitator} invites you to {what}."]
        if facts.held_until is not None and facts.first is not None:
            tz = ZoneInfo(facts.session.fields.timezone)
            lines.append(
                f"A seat is held for you until {facts.held_until.astimezone(tz):%A %-d %B, %H:%M}"
                f" ({facts.session.fields.timezone})."
            )
        if guest_link:
            lines.append(
                "Open your personal link, enter your name and join: no account needed. The link "
                "is for you only and works until the meeting ends."
            )
            return Wording(f"Invitation: {what}", lines, guest_link, "Open your invitation")
        lines.append("Accept or decline on your dashboard; accepting books your seat.")
        return Wording(f"Invitation: {what}", lines, dashboard, "Answer on your dashboard")
    if kind == outbox.BOOKING_CONFIRMED:
        if facts.occurrence is None:
            lines = [f"You are booked for the series {title} with {facilitator}."]
            lines.append(
                "Where a meeting was full you are on its waitlist; "
                "you get a mail when a seat frees."
            )
        else:
            lines = [f"You are booked for {what} with {facilitator}."]
        lines.append("The room opens 15 minutes before the start.")
        return Wording(f"Booked: {what}", lines, join, "Join the meeting")
    if kind == outbox.WAITLIST_PROMOTED:
        lines = [
            f"A seat freed and it is yours: {what}.",
            "The room opens 15 minutes before the start.",
        ]
        return Wording(f"You have a seat: {what}", lines, room, "Join the meeting")
    if kind == outbox.REMINDER:
        lines = [
            f"{what} with {facilitator} starts soon.",
            "Don't want reminders? Turn them off under Mail settings on your dashboard.",
        ]
        return Wording(f"Starting soon: {what}", lines, join, "Join the meeting")
    if kind == outbox.BOOKING_CANCELLED:
        lines = [f"Your booking for {what} is cancelled, as you asked."]
        return Wording(f"Cancelled: your seat at {what}", lines, dashboard, "Find another meeting")
    if kind == outbox.OCCURRENCE_CANCELLED:
        reason = _CANCEL_REASONS.get(facts.reason or "", "{facilitator} cancelled this meeting.")
        lines = [reason.format(facilitator=facilitator), f"Cancelled: {what}."]
        return Wording(f"Cancelled: {what}", lines, dashboard, "See your dashboard")
    if kind == outbox.OCCURRENCE_MOVED and facts.moved:
        moved = facts.moved
        lines = [
            f"{facilitator} changed the times of {title}; "
            f"{len(moved)} meeting{'s' if len(moved) > 1 else ''} of the series moved:",
            *(f"- {when(o)}" for o in moved),
            "Your place is kept, and the calendar entry attached updates each of them.",
        ]
        return Wording(f"New times: {title}", lines, dashboard, "See your dashboard")
    if kind == outbox.OCCURRENCE_MOVED:
        lines = [
            f"{facilitator} moved {title} to a new time: {what}.",
            "Your place is kept, and the calendar entry attached replaces the old one.",
        ]
        return Wording(f"New time: {what}", lines, join, "Join the meeting")
    if kind == outbox.INVITATION_WITHDRAWN:
        if facts.reason == "declined":
            lines = [f"You declined the invitation to {what}."]
            return Wording(f"Declined: {what}", lines, dashboard, "See your dashboard")
        lines = [f"{facilitator} withdrew the invitation to {what}; its link no longer works."]
        return Wording(f"Invitation withdrawn: {what}", lines, dashboard, "See Co~Learn")
    raise ValueError(f"unknown mail kind {kind!r}")
