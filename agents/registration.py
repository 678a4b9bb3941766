"""The worker tells the database, every second, that it is registered with livekit-server.

The API's ``/readyz`` counts the workers heard from in the last 10 s (livekit-server's API
lists no workers), and ``colearn_agent_workers_registered`` exports that count. A worker that
stops removes its row; one that dies is simply no longer heard from.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime

from agents.store import WorkerStore
from db import monitoring

log = logging.getLogger("colearn.agent.registration")

BEAT_S = 1.0


async def report(store: WorkerStore, worker_id: str, rooms_held: Callable[[], int]) -> None:
    """Beat every ``BEAT_S`` until cancelled; then say this worker is gone."""
    try:
        while True:
            try:
                now = datetime.now(UTC)
                await asyncio.wrap_future(
                    store.write(monitoring.beat, worker_id, rooms_held(), now)
                )
            except Exception as exc:  # the database may be briefly away
                log.warning("could not record this worker as registered: %s", exc)
            await asyncio.sleep(BEAT_S)
    finally:
        try:
            await asyncio.wrap_future(store.write(monitoring.gone, worker_id))
            log.info("this worker is recorded as gone")
        except Exception as exc:
            log.warning("could not record this worker as gone: %s", exc)
