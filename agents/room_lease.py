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

from livekit import api, rtc
from livekit.agents import JobContext

from agents.store import WorkerStore
from db import agent_rooms
from db.agent_rooms import Held

log = logging.getLogger("colearn.agent.rooms")

ROOM_OVER = (rtc.DisconnectReason.ROOM_DELETED, rtc.DisconnectReason.ROOM_CLOSED)
# Longer than a network blip the SDK rides out, short enough that a room whose node died
# has an agent again soon after it is made on another node.
RECONNECT_GIVE_UP_S = 5.0
ASK_SERVER_S = 2.0


async def hold(ctx: JobContext, store: WorkerStore, worker_id: str) -> Held:
    """Hold the job's room (call before connecting); let go when the job shuts down."""
    room_name, job_id = ctx.job.room.name, ctx.job.id
    held = await asyncio.wrap_future(
        store.write(agent_rooms.hold, room_name, worker_id, job_id, datetime.now(UTC))
    )
    reasons: list[rtc.DisconnectReason.ValueType] = []
    ctx.room.on("disconnected", reasons.append)
    gave_up = _give_up_when_reconnecting_too_long(ctx)

    async def _let_go() -> None:
        if reasons and reasons[0] != rtc.DisconnectReason.CLIENT_INITIATED:
            ended = reasons[0] in ROOM_OVER
        else:
            # The job of a deleted room can end (and leave the room itself) before the room
            # hears why: ask. A job that gave up reconnecting leaves a room that goes on
            # (its server may be restarting, tests/test_livekit_restart.py).
            ended = not gave_up and await _room_gone(room_name)
        now = datetime.now(UTC)
        still_held = await asyncio.wrap_future(
            store.write(agent_rooms.release, held.room, job_id, now, ended)
        )
        if not still_held:
            outcome = "another agent holds it now"
        else:
            outcome = "room ended, presence closed" if ended else "released for the next agent"
        why = rtc.DisconnectReason.Name(reasons[0]) if reasons else "no reason heard"
        log.info("agent let go of room %s (%s): %s", room_name, why, outcome)

    ctx.add_shutdown_callback(_let_go)
    return held


async def _room_gone(room_name: str) -> bool:
    """True only if livekit-server answers that the room does not exist."""
    try:
        async with api.LiveKitAPI() as lkapi:  # LIVEKIT_URL, _API_KEY, _API_SECRET
            listed = await asyncio.wait_for(
                lkapi.room.list_rooms(api.ListRoomsRequest(names=[room_name])), ASK_SERVER_S
            )
    except Exception as exc:
        log.info("could not ask whether room %s still exists: %s", room_name, exc)
        return False
    return not listed.rooms


def _give_up_when_reconnecting_too_long(ctx: JobContext) -> list[bool]:
    """A job whose livekit-server node died keeps trying to reconnect to it for tens of
    seconds, and while it runs its worker's heartbeat keeps the room held, so nobody gives
    the room (re-created on another node) a new agent. After ``RECONNECT_GIVE_UP_S`` the job
    ends: its hold goes, and the re-dispatch check sends a fresh agent wherever the room is
    now (tests/test_cluster.py kills a node). A blip shorter than that changes nothing.
    Returns a list that is non-empty (true) once the job has given up."""
    pending: list[asyncio.TimerHandle] = []
    gave_up: list[bool] = []

    def reconnecting() -> None:
        loop = asyncio.get_running_loop()
        pending.append(loop.call_later(RECONNECT_GIVE_UP_S, give_up))

    def reconnected() -> None:
        while pending:
            pending.pop().cancel()

    def give_up() -> None:
        pending.clear()
        gave_up.append(True)
        log.warning(
            "agent could not reconnect to room %s within %.0f s: leaving it to a new agent",
            ctx.room.name,
            RECONNECT_GIVE_UP_S,
        )
        ctx.shutdown(reason="could not reconnect to the room's server")

    ctx.room.on("reconnecting", reconnecting)
    ctx.room.on("reconnected", reconnected)
    return gave_up
