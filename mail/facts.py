"""What a mail tells, read from the database when the mail is first rendered."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from db import Database, invitation_reads, occurrences, sessions
from db.account_tokens import PASSWORD_RESET, VERIFY_EMAIL
from db.invitations import Invitation
from db.occurrences import Occurrence
from db.outbox import Mail
from db.sessions import Session
from db.times import from_db

ACCOUNT_KINDS = frozenset({VERIFY_EMAIL, PASSWORD_RESET})


@dataclass(frozen=True)
class Facts:
    mail: Mail
    session: Session
    occurrence: Occurrence | None  # None: the mail is about the whole series
    series: list[Occurrence]  # every occurrence of the session (for a series' EXDATEs)
    invitation: Invitation | None
    held_until: datetime | None  # when the invitation's held seat lapses, if it holds one

    @property
    def reason(self) -> str | None:
        value = self.mail.payload.get("reason")
        return str(value) if value else None

    @property
    def token(self) -> str | None:
        value = self.mail.payload.get("token")
        return str(value) if value else None

    @property
    def moved(self) -> list[Occurrence]:
        """The meetings a series reschedule moved (a mail telling several at once)."""
        ids = set(self.mail.payload.get("moved") or ())
        return [o for o in self.series if o.id in ids]

    @property
    def first(self) -> Occurrence | None:
        """The occurrence the mail is about, or the next one still to come of a series."""
        if self.occurrence is not None:
            return self.occurrence
        coming = [o for o in self.series if o.status == occurrences.SCHEDULED]
        return coming[0] if coming else (self.series[0] if self.series else None)


@dataclass
class FactCache:
    """Reads shared by the mails of one batch (a series cancelled for 50 people is read once)."""

    sessions: dict[int, Session] = field(default_factory=dict)
    series: dict[int, list[Occurrence]] = field(default_factory=dict)


async def gather(db: Database, mail: Mail, cache: FactCache | None = None) -> Facts:
    if mail.kind in ACCOUNT_KINDS:  # about the account (mail/account_text.py): no session
        return Facts(mail, None, None, [], None, None)  # type: ignore[arg-type]
    cache = cache or FactCache()
    occurrence_id = mail.payload.get("occurrence_id")
    session_id = int(mail.payload["session_id"])
    if session_id not in cache.sessions:
        found = await sessions.session(db, session_id)
        assert found is not None, f"mail {mail.id}: no session {session_id}"
        cache.sessions[session_id] = found
        cache.series[session_id] = await occurrences.of_session(db, session_id)
    occurrence = None
    if occurrence_id is not None:
        occurrence = next(
            (o for o in cache.series[session_id] if o.id == occurrence_id), None
        ) or await occurrences.occurrence(db, int(occurrence_id))
    invitation = None
    held_until = None
    if mail.payload.get("invitation_id") is not None:
        invitation = await invitation_reads.invitation(db, int(mail.payload["invitation_id"]))
        holds = (
            [h for _, kind, h in await invitation_reads.seats(db, invitation.id) if kind == "hold"]
            if invitation
            else []
        )
        held_until = min((from_db(h) for h in holds if h), default=None)
    return Facts(
        mail=mail,
        session=cache.sessions[session_id],
        occurrence=occurrence,
        series=cache.series[session_id],
        invitation=invitation,
        held_until=held_until,
    )
