"""The room's job records that it holds the room, and lets go of it when it ends.

While the job runs, its worker's heartbeat (``agents.redispatch``) keeps the hold fresh. At
the end: if the room is over, everyone still marked present leaves and the hold goes; if the
agent is leaving a room that goes on (the worker stops, the agent was removed), the hold is
released and presence stays open, so the next agent continues the same stays.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

from livekit import rtc
from livekit.agents import JobContext

from agents.store import WorkerStore
from db import agent_rooms
from db.agent_rooms import Held

log = logging.getLogger("colearn.agent.rooms")

ROOM_OVER = (rtc.DisconnectReason.ROOM_DELETED, rtc.DisconnectReason.ROOM_CLOSED)


async def hold(ctx: JobContext, store: WorkerStore, worker_id: str) -> Held:
    """Hold the job's room (call before connecting); let go when the job shuts down."""
    room_name, job_id = ctx.job.room.name, ctx.job.id
    held = await asyncio.wrap_future(
        store.write(agent_rooms.hold, room_name, worker_id, job_id, datetime.now(UTC))
    )
    reasons: list[rtc.DisconnectReason.ValueType] = []
    ctx.room.on("disconnected", reasons.append)

    async def _let_go() -> None:
        ended = bool(reasons) and reasons[0] in ROOM_OVER
        now = datetime.now(UTC)
        still_held = await asyncio.wrap_future(
            store.write(agent_rooms.release, held.room, job_id, now, ended)
        )
        if not still_held:
            outcome = "another agent holds it now"
        else:
            outcome = "room ended, presence closed" if ended else "released for the next agent"
        log.info("agent let go of room %s: %s", room_name, outcome)

    ctx.add_shutdown_callback(_let_go)
    return held
