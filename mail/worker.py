"""The mail worker of a process: the outbox sender plus the sweeps that write mail.

Each round gives lapsed seat holds back (to the waitlist first), writes reminders now
due, and, when an SMTP server is configured, sends what is due. A commit in this process
wakes it at once; otherwise it looks every ``poll`` for what other processes wrote and for
retries that came due. Without SMTP it still sweeps, and mails wait in the outbox.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime

from db import Database, Unavailable, invitations, reminders
from mail.config import MailConfig
from mail.sender import Sender
from vocab.recap_job import RecapJob

log = logging.getLogger("colearn.mail")


class MailWorker:
    def __init__(
        self,
        db: Database,
        config: MailConfig,
        clock: Callable[[], datetime],
        *,
        send: bool = True,
        owner: str = "",
    ) -> None:
        self.db = db
        self.config = config
        self.clock = clock
        self.sender = Sender(db, config, clock, owner) if send and config.configured else None
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.recaps = RecapJob(db)  # recaps of occurrences that ended (vocab/recap_job.py)

    async def start(self) -> None:
        self.db.on_commit(self._wake.set)
        self._task = asyncio.create_task(self._run(), name="colearn-mail")

    async def aclose(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        self.recaps.close()

    async def round(self) -> int:
        """One round of sweeps and sending; how many mails were sent."""
        now = self.clock()
        if await self.db.read(reminders.lapsed_hold_exists, now):
            await self.db.write(invitations.lapse_holds, now)
        if await self.db.read(reminders.due, now, self.config.reminder_lead):
            await self.db.write(reminders.enqueue_due, now, self.config.reminder_lead)
        await self.recaps.round(now)
        if self.sender is None:
            return 0
        return await self.sender.send_due()

    async def _run(self) -> None:
        while True:
            self._wake.clear()
            try:
                busy = await self.round() > 0
            except Unavailable as exc:  # the database is away: no traceback, try again
                log.warning("mail round failed (%s); trying again in %s", exc, self.config.poll)
                busy = False
            except Exception:
                log.exception("mail round failed; trying again in %s", self.config.poll)
                busy = False
            if busy:
                continue  # more may be due; commits of our own marks would wake us anyway
            # asyncio.timeout, not wait_for: on Python 3.11 wait_for can swallow a cancel
            # that lands just as the wake-up does, and the worker would never stop
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.config.poll.total_seconds()):
                    await self._wake.wait()
