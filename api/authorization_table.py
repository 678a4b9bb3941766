"""The authorization table as data: for each action, the caller relations allowed.

``api/authorization.py`` works out a caller's relation and consults this; the docstring
there says what each relation means and how refusals look; docs/authorization.md shows
the table (``markdown_table``), and tests/test_authorization.py walks every cell of it.
"""

from __future__ import annotations

from dataclasses import dataclass

ANONYMOUS = "anonymous"
PARTICIPANT_BOOKED = "participant_booked"
PARTICIPANT_NOT_BOOKED = "participant_not_booked"
PARTICIPANT_WAITLISTED = "participant_waitlisted"
GUEST = "guest"
FACILITATOR_OWNER = "facilitator_owner"
FACILITATOR_OTHER = "facilitator_other"
ADMIN = "admin"
RELATIONS = (
    ANONYMOUS,
    PARTICIPANT_BOOKED,
    PARTICIPANT_NOT_BOOKED,
    PARTICIPANT_WAITLISTED,
    GUEST,
    FACILITATOR_OWNER,
    FACILITATOR_OTHER,
    ADMIN,
)
PARTICIPANTS = frozenset({PARTICIPANT_BOOKED, PARTICIPANT_NOT_BOOKED, PARTICIPANT_WAITLISTED})
FACILITATORS = frozenset({FACILITATOR_OWNER, FACILITATOR_OTHER})

# What an action concerns: an occurrence, a session (also an invitation's session), or only
# the caller's role (booking, creating a session, one's own settings: no resource to load).
OCCURRENCE, SESSION, ROLE = "occurrence", "session", "role"

# How a signed-in caller who may not is refused (always 403).
DENY_OWNER = "owner"  # wrong_role for participants, not_owner for facilitators
DENY_MEMBER = "member"  # not_a_member
DENY_BOOKED = "booked"  # not_booked, saying where on the waitlist they are
DENY_NOT_PARTICIPANT = "participant"  # wrong_role: only participants
DENY_NOT_FACILITATOR = "facilitator"  # wrong_role: only facilitators


@dataclass(frozen=True)
class Rule:
    action: str
    scope: str
    endpoints: tuple[str, ...]  # "METHOD /path", {id} naming the scope's resource
    allowed: frozenset[str]
    deny: str
    doing: str  # completes "Only ... can {doing}"
    guest_endpoint: str | None = None  # where a guest does it, with their link's token


def _rule(
    action: str,
    scope: str,
    endpoints: str,
    allowed: frozenset[str] | set[str],
    deny: str,
    doing: str,
    guest_endpoint: str | None = None,
) -> Rule:
    return Rule(
        action, scope, tuple(endpoints.split(", ")), frozenset(allowed), deny, doing, guest_endpoint
    )


OWNER = {FACILITATOR_OWNER}
MEMBERS = {FACILITATOR_OWNER, PARTICIPANT_BOOKED}
SIGNED_IN = set(RELATIONS) - {ANONYMOUS, GUEST}
OCC, SES = "/api/occurrences/{id}", "/api/sessions/{id}"

TABLE = (
    _rule(
        "occurrence.messages", OCCURRENCE, f"GET {OCC}/messages", MEMBERS, DENY_MEMBER, "see this"
    ),
    _rule(
        "occurrence.transcript",
        OCCURRENCE,
        f"GET {OCC}/transcript, GET {OCC}/transcript.vtt",
        MEMBERS,
        DENY_MEMBER,
        "see this",
    ),
    _rule(
        "occurrence.attendance",
        OCCURRENCE,
        f"GET {OCC}/attendance",
        {*OWNER, ADMIN},
        DENY_OWNER,
        "see who attended",
    ),
    _rule(
        "occurrence.roster",
        OCCURRENCE,
        f"GET {OCC}/bookings",
        {*OWNER, ADMIN},
        DENY_OWNER,
        "see who booked",
    ),
    _rule(
        "occurrence.room_token",
        OCCURRENCE,
        f"POST {OCC}/token",
        {*MEMBERS, GUEST},
        DENY_BOOKED,
        "join the room",
        "POST /api/guest/token",
    ),
    _rule(
        "occurrence.end",
        OCCURRENCE,
        f"POST {OCC}/end",
        {*OWNER, ADMIN},
        DENY_OWNER,
        "end this meeting for everyone",
    ),
    _rule("occurrence.edit", OCCURRENCE, f"PATCH {OCC}", OWNER, DENY_OWNER, "edit this occurrence"),
    _rule(
        "occurrence.cancel",
        OCCURRENCE,
        f"DELETE {OCC}",
        OWNER,
        DENY_OWNER,
        "cancel this occurrence",
    ),
    _rule(
        "occurrence.invite",
        OCCURRENCE,
        f"POST {OCC}/invitations",
        OWNER,
        DENY_OWNER,
        "invite people",
    ),
    _rule(
        "occurrence.book",
        ROLE,
        f"POST {OCC}/bookings, POST {OCC}/waitlist",
        PARTICIPANTS,
        DENY_NOT_PARTICIPANT,
        "book seats",
    ),
    _rule(
        "session.create",
        ROLE,
        "POST /api/sessions",
        {*FACILITATORS, ADMIN},
        DENY_NOT_FACILITATOR,
        "create sessions",
    ),
    _rule("session.edit", SESSION, f"PATCH {SES}", OWNER, DENY_OWNER, "edit this session"),
    _rule("session.cancel", SESSION, f"DELETE {SES}", OWNER, DENY_OWNER, "cancel this session"),
    _rule(
        "session.captions",
        SESSION,
        f"PUT {SES}/captions",
        OWNER,
        DENY_OWNER,
        "switch captions for this session",
    ),
    _rule(
        "session.book",
        ROLE,
        f"POST {SES}/bookings",
        PARTICIPANTS,
        DENY_NOT_PARTICIPANT,
        "book seats",
    ),
    _rule("session.invite", SESSION, f"POST {SES}/invitations", OWNER, DENY_OWNER, "invite people"),
    _rule(
        "session.invitations",
        SESSION,
        f"GET {SES}/invitations",
        {*OWNER, ADMIN},
        DENY_OWNER,
        "see its invitations",
    ),
    _rule(
        "invitation.revoke",
        SESSION,
        "DELETE /api/invitations/{id}",
        OWNER,
        DENY_OWNER,
        "withdraw its invitations",
    ),
    _rule(
        "invitation.candidates",
        ROLE,
        "GET /api/invitations/candidates",
        {*FACILITATORS, ADMIN},
        DENY_NOT_FACILITATOR,
        "invite past participants",
    ),
    _rule(
        "me.mail",
        ROLE,
        "GET /api/me/mail, PUT /api/me/mail",
        SIGNED_IN,
        DENY_MEMBER,
        "change mail settings",
    ),
)
RULES = {rule.action: rule for rule in TABLE}


def markdown_table() -> str:
    """The table as docs/authorization.md shows it (a test keeps the two the same)."""
    names = [r.replace("_", " ") for r in RELATIONS]
    lines = [
        "| action | endpoints | " + " | ".join(names) + " |",
        "|---|---|" + "---|" * len(RELATIONS),
    ]
    for rule in TABLE:
        endpoints = [*rule.endpoints, *([rule.guest_endpoint] if rule.guest_endpoint else [])]
        cells = ["yes" if r in rule.allowed else "no" for r in RELATIONS]
        shown = "<br>".join(f"`{e}`" for e in endpoints)
        lines.append(f"| {rule.action} | {shown} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
