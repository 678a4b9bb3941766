"""The command tree of ``python -m api admin``: every command and option, with its help."""

from __future__ import annotations

import argparse

from db.accounts import FACILITATOR, PARTICIPANT
from db.admin import ADMIN, REQUESTED, ROLES
from db.outbox import FAILED, KINDS, PENDING, SENT

PROG = "python -m api admin"


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a number above 0, got {value}")
    return value


def _json(command: argparse.ArgumentParser) -> None:
    command.add_argument("--json", action="store_true", help="print JSON instead of a table")


def _users(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    users = commands.add_parser("users", help="list users", description="List users, oldest first.")
    users.add_argument(
        "--role",
        choices=(FACILITATOR, PARTICIPANT, ADMIN, REQUESTED),
        help="only these (requested: asked to be a facilitator, COLEARN_FACILITATOR_SIGNUP)",
    )
    _json(users)


def _sign_ins(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    group = commands.add_parser(
        "sign-ins", help="list or revoke sign-ins", description="Sign-in tokens of users."
    )
    actions = group.add_subparsers(dest="action", required=True, metavar="ACTION")
    listing = actions.add_parser(
        "list", help="sign-ins, newest first", description="Active sign-ins, newest first."
    )
    listing.add_argument("--user", metavar="USER", help="only this user's (email or id)")
    listing.add_argument("--all", action="store_true", help="also expired and revoked ones")
    _json(listing)
    revoke = actions.add_parser(
        "revoke",
        help="sign someone out",
        description="Revoke one sign-in by id, or every sign-in of a user. The API stops"
        " accepting the token within 5 seconds (its token cache).",
    )
    which = revoke.add_mutually_exclusive_group(required=True)
    which.add_argument("--user", metavar="USER", help="every sign-in of this user (email or id)")
    which.add_argument("--id", type=_positive, help="the one sign-in with this id")


def _role(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    group = commands.add_parser(
        "role",
        help="grant or take the facilitator or admin role",
        description="Grant or take a role. Taking facilitator makes the user a participant;"
        " admin is held beside either and lets the user do what any facilitator may.",
    )
    actions = group.add_subparsers(dest="action", required=True, metavar="ACTION")
    for action, doing in (("grant", "give a user a role"), ("take", "take a role away")):
        command = actions.add_parser(action, help=doing, description=doing.capitalize() + ".")
        command.add_argument("role", choices=ROLES, help="facilitator or admin")
        command.add_argument("user", metavar="USER", help="email address or user id")


def _occurrence(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    group = commands.add_parser("occurrence", help="cancel an occurrence for everyone")
    actions = group.add_subparsers(dest="action", required=True, metavar="ACTION")
    cancel = actions.add_parser(
        "cancel",
        help="cancel one occurrence, telling everyone",
        description="Cancel one occurrence as its facilitator would: every booking and"
        " waitlist place is released, and everyone booked, waiting or invited gets the"
        " cancellation by mail (through the outbox) and live on the page.",
    )
    cancel.add_argument("id", type=_positive, help="the occurrence id")


def _outbox(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    group = commands.add_parser("outbox", help="show the outbox, or send a mail again")
    actions = group.add_subparsers(dest="action", required=True, metavar="ACTION")
    listing = actions.add_parser(
        "list", help="mails, newest first", description="Mails in the outbox, newest first."
    )
    listing.add_argument("--status", choices=(PENDING, FAILED, SENT), help="only these")
    listing.add_argument("--kind", choices=KINDS, help="only mails of this kind")
    listing.add_argument("--to", metavar="TEXT", help="only recipients whose address has TEXT")
    listing.add_argument("--limit", type=_positive, default=50, help="at most N (default 50)")
    _json(listing)
    show = actions.add_parser("show", help="one whole message", description="Print one mail.")
    show.add_argument("id", type=_positive, help="the mail id")
    resend = actions.add_parser(
        "resend",
        help="queue a mail again",
        description="Queue a sent or failed mail again: the sender (the API's, or python -m"
        " mail send) sends it at once. A pending mail is only brought forward; a guest's"
        " invitation once sent is refused (its personal link is gone: invite again).",
    )
    resend.add_argument("id", type=_positive, help="the mail id")


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog=PROG,
        description="Run Co~Learn from the command line, on the database COLEARN_DB names."
        " Exit codes: 0 done, 1 refused or failed, 2 bad usage.",
    )
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _users(commands)
    _sign_ins(commands)
    _role(commands)
    _occurrence(commands)
    _outbox(commands)
    check = commands.add_parser(
        "check",
        help="check the database",
        description="Check the database without changing it: it answers, its schema version"
        " is this code's, every table is there, and (SQLite) PRAGMA integrity_check and"
        " foreign_key_check find nothing.",
    )
    _json(check)
    return top
