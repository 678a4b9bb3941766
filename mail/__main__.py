"""``python -m mail send``: run the outbox's sender by itself (a process of its own).

    python -m mail send [--lease S]   run the sender (needs COLEARN_SMTP_HOST); Ctrl-C stops

The API runs a sender too; any number may run, as claims keep them apart. Reading the
outbox and sending a mail again are the admin command's (``python -m api admin outbox``).
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
from db import Database
from mail.config import MailConfig
from mail.worker import MailWorker


def _now() -> datetime:
    return datetime.now(UTC)


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
        return await _send(db, config, args.lease)
    finally:
        await db.aclose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mail", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
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
