"""``python -m mail``: read the outbox, retry a failed mail, or run the sender by itself.

    python -m mail list [--status pending|sent|failed] [--limit N]
    python -m mail show ID            the whole message, as sent or as it would be
    python -m mail retry ID           send a failed mail again
    python -m mail send [--lease S]   run the sender (needs COLEARN_SMTP_HOST); Ctrl-C stops

The API runs a sender too; any number may run, as claims keep them apart.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from datetime import UTC, datetime, timedelta

from colearn import logs
from colearn.config import ConfigError, db_url
from colearn.database_check import database_problem
from db import Database, outbox, outbox_claims
from mail.config import MailConfig
from mail.preview import rendered, subject
from mail.worker import MailWorker


def _now() -> datetime:
    return datetime.now(UTC)


async def _list(db: Database, config: MailConfig, status: str | None, limit: int) -> None:
    counts = await outbox.counts(db)
    print(", ".join(f"{n} {s}" for s, n in counts.items()))
    for mail in await outbox.mails(db, status=status, limit=limit):
        text = await rendered(db, mail, config, _now())
        when = mail.created_at.isoformat(timespec="seconds")
        line = f"{mail.id:>6}  {mail.status:<7}  {when}  {mail.kind:<21} {mail.recipient}"
        print(f"{line}  {subject(text)}")
        if mail.status != "sent" and mail.last_error:
            print(f"        attempts {mail.attempts}, last error: {mail.last_error}")


async def _show(db: Database, config: MailConfig, mail_id: int) -> int:
    mail = await outbox.mail(db, mail_id)
    if mail is None:
        print(f"error: there is no mail {mail_id} in the outbox", file=sys.stderr)
        return 1
    text = await rendered(db, mail, config, _now())
    print(text)
    return 0


async def _send(db: Database, config: MailConfig, lease: float) -> int:
    if not config.configured:
        print(
            "error: set COLEARN_SMTP_HOST (and _PORT, _USER, _PASSWORD) to send mail",
            file=sys.stderr,
        )
        return 2
    config = MailConfig(**{**config.__dict__, "lease": timedelta(seconds=lease)})
    worker = MailWorker(db, config, _now)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    await worker.start()
    print(f"sending through {config.smtp_host}:{config.smtp_port}; Ctrl-C stops", flush=True)
    await stop.wait()
    await worker.aclose()
    return 0


async def _main(args: argparse.Namespace) -> int:
    config = MailConfig.from_env()
    url = db_url()
    problem = await asyncio.to_thread(database_problem, url)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    db = await Database.open(url, run_migrations=False)
    try:
        if args.command == "list":
            await _list(db, config, args.status, args.limit)
        elif args.command == "show":
            return await _show(db, config, args.id)
        elif args.command == "retry":
            if not await db.write(outbox_claims.requeue, args.id, _now()):
                print(f"error: mail {args.id} is not a failed mail", file=sys.stderr)
                return 1
            print(f"mail {args.id} will be sent again")
        else:
            return await _send(db, config, args.lease)
        return 0
    finally:
        await db.aclose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mail", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    listing = commands.add_parser("list", help="mails in the outbox, oldest first")
    listing.add_argument("--status", choices=(outbox.PENDING, outbox.SENT, outbox.FAILED))
    listing.add_argument("--limit", type=int, default=100)
    commands.add_parser("show", help="one whole message").add_argument("id", type=int)
    commands.add_parser("retry", help="send a failed mail again").add_argument("id", type=int)
    sending = commands.add_parser("send", help="run the sender until Ctrl-C")
    sending.add_argument("--lease", type=float, default=60.0, help="seconds a claim lasts")
    args = parser.parse_args(argv)
    try:
        logs.configure()
        return asyncio.run(_main(args))
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
