"""What each ``python -m api admin`` command does: a unit of work of ``db.admin``, its
result printed as a table or JSON, and an exit code (0 done, 1 refused or failed)."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import sys
from datetime import UTC, datetime
from typing import Any

import orjson

from api.admin.checks import check
from colearn.config import db_url
from colearn.database_check import database_problem
from db import Database, admin, outbox
from db.bookings import NoSuchOccurrence, OccurrenceEnded
from db.errors import DbError, NotFound
from db.outbox import Mail
from mail.config import MailConfig
from mail.preview import rendered


def now() -> datetime:
    return datetime.now(UTC)


class Failed(Exception):
    """The command was refused or failed: exit 1 with this message."""


def print_json(value: Any) -> None:
    print(orjson.dumps(value, option=orjson.OPT_INDENT_2, default=str).decode())


def print_table(rows: list[dict[str, Any]], columns: list[str], empty: str) -> None:
    if not rows:
        print(empty)
        return
    cells = [[("" if row[c] is None else str(row[c])) for c in columns] for row in rows]
    widths = [max(len(c), *(len(line[i]) for line in cells)) for i, c in enumerate(columns)]
    print("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip())
    for line in cells:
        print("  ".join(v.ljust(w) for v, w in zip(line, widths, strict=True)).rstrip())


def _show(rows: list[Any], args: argparse.Namespace, columns: list[str], empty: str) -> None:
    found = [dataclasses.asdict(row) for row in rows]
    if args.json:
        print_json(found)
    else:
        print_table(found, columns, empty)


async def _users(db: Database, args: argparse.Namespace) -> None:
    rows = await db.read(admin.users, args.role, now())
    columns = ["id", "email", "display_name", "role", "admin", "active_sign_ins", "created_at"]
    _show(rows, args, columns, "no users")


async def _sign_ins(db: Database, args: argparse.Namespace) -> None:
    if args.action == "list":
        rows = await db.read(admin.sign_ins, args.user, args.all, now())
        columns = ["id", "user_id", "email", "state", "created_at", "expires_at", "revoked_at"]
        _show(rows, args, columns, "no sign-ins")
    elif args.id is not None:
        signed = await db.write(admin.revoke_sign_in, args.id, now())
        print(f"sign-in {signed.id} of {signed.email} is revoked")
    else:
        count = await db.write(admin.revoke_sign_ins_of, args.user, now())
        print(f"revoked {count} sign-in{'s' * (count != 1)} of {args.user}")


async def _role(db: Database, args: argparse.Namespace) -> None:
    granted = args.action == "grant"
    changed = await db.write(admin.set_role, args.user, args.role, granted, now())
    if granted:
        print(f"{args.user} {'is now' if changed else 'was already'} {args.role}")
    elif args.role == admin.ADMIN:
        print(f"{args.user} {'is no longer' if changed else 'was not'} an admin")
    else:
        print(f"{args.user} {'is now a participant' if changed else 'was not a facilitator'}")


async def _occurrence(db: Database, args: argparse.Namespace) -> None:
    try:
        done = await db.write(admin.cancel_occurrence, args.id, now())
    except NoSuchOccurrence:
        raise Failed(f"there is no occurrence {args.id}") from None
    except OccurrenceEnded:
        raise Failed(f"occurrence {args.id} is over; it cannot be cancelled") from None
    if done.already:
        print(f"occurrence {args.id} was already cancelled; nothing changed")
        return
    print(
        f"occurrence {args.id} is cancelled: {done.released} booking(s) and waitlist places"
        f" released, {done.mails} notice(s) queued in the outbox"
    )


def _mail_fields(mail: Mail) -> dict[str, Any]:
    fields = dataclasses.asdict(mail)
    fields.pop("message")
    return fields


async def _outbox(db: Database, args: argparse.Namespace) -> None:
    if args.action == "list":
        counts = await db.read(admin.outbox_counts)
        mails = await db.read(admin.outbox_entries, args.status, args.kind, args.to, args.limit)
        if args.json:
            print_json({"counts": counts, "mails": [_mail_fields(m) for m in mails]})
            return
        print(", ".join(f"{n} {status}" for status, n in counts.items()))
        rows = [
            {**_mail_fields(m), "created_at": m.created_at.isoformat(timespec="seconds")}
            for m in mails
        ]
        columns = ["id", "status", "kind", "recipient", "attempts", "created_at", "last_error"]
        print_table(rows, columns, "no mails match")
    elif args.action == "show":
        found = await outbox.mail(db, args.id)
        if found is None:
            raise Failed(f"there is no mail {args.id} in the outbox")
        print(await rendered(db, found, MailConfig.from_env(), now()))
    else:
        before = await db.write(admin.resend, args.id, now())
        if before == "pending":
            print(f"mail {args.id} was waiting to be sent; it goes out at once now")
        else:
            print(f"mail {args.id} ({before}) is queued again and goes out at once")


COMMANDS = {
    "users": _users,
    "sign-ins": _sign_ins,
    "role": _role,
    "occurrence": _occurrence,
    "outbox": _outbox,
}


async def run(args: argparse.Namespace) -> int:
    url = db_url()
    if args.command == "check":
        return await check(url, args.json)
    problem = await asyncio.to_thread(database_problem, url)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 1
    db = await Database.open(url, run_migrations=False)
    try:
        await COMMANDS[args.command](db, args)
    except (Failed, NotFound, admin.CannotResend) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except DbError as exc:
        print(f"error: the database refused: {exc}", file=sys.stderr)
        return 1
    finally:
        await db.aclose()
    return 0
