"""Composition root of the agent: which rooms it joins, as whom, and what it does there.

Run with ``python -m agents``. Dispatch is automatic (no agent name), so livekit-server
sends this worker a job for every room it creates.
"""

from __future__ import annotations

import logging

from livekit.agents import AgentServer, AutoSubscribe, JobContext, JobExecutorType, JobRequest

from agents import (
    chat_relay,
    commands,
    guest_gate,
    history_rpc,
    metrics,
    presence,
    room_connect,
    room_lease,
)
from agents.captions.config import CaptionConfig
from agents.captions.dispatch import CaptionDispatcher
from agents.captions.room_captions import RoomCaptions
from agents.captions.service import CaptionService
from agents.config import AgentConfig
from agents.services import WorkerServices
from colearn.wire import AGENT_IDENTITY, AGENT_NAME

log = logging.getLogger("colearn.agent")

config = AgentConfig.from_env()
# The database, the dictionary and the re-dispatcher: once per worker, shared by its rooms.
services = WorkerServices(config)
caption_config = CaptionConfig.from_env()
# Loaded once per worker, before the first room: every room's thread shares the model.
# (COLEARN_CAPTION_AGENT=separate: caption workers caption, this one only dispatches them.)
captions = (
    CaptionService.load(caption_config)
    if caption_config.enabled and not caption_config.separate
    else None
)


def room_load(worker: AgentServer) -> float:
    # Rooms held, not CPU: the default CPU-based load turns rooms away on 2 cores as soon
    # as anything else runs, and a room without the agent loses its chat.
    return min(1.0, len(worker.active_jobs) / config.max_rooms)


# Thread executor: every room's job runs in this one process, so a room costs a thread
# and its connection rather than a whole Python process (see README for the figures).
# Its health port also serves GET /metrics (agents/metrics.py).
server = metrics.MetricsOnHealthPort(
    job_executor_type=JobExecutorType.THREAD,
    load_fnc=room_load,
    load_threshold=1.0,
    ws_url=config.livekit.url,
    api_key=config.livekit.api_key,
    api_secret=config.livekit.api_secret,
    host="127.0.0.1",
    port=config.http_port,
    # Ctrl-C should not wait an hour (the default) for open rooms to end.
    drain_timeout=5,
)


@server.on("worker_started")
def _started() -> None:
    services.start(running_jobs=lambda: [info.job.id for info in server.active_jobs])
    metrics.watch(lambda: len(server.active_jobs), services.store.database)
    if captions is not None:
        metrics.watch_backlog(lambda: captions.whisper.backlog)


@server.on("worker_registered")
def _registered(worker_id: str, server_info: object) -> None:
    log.info("colearn agent worker registered: %s", worker_id)
    services.registered()


async def accept(request: JobRequest) -> None:
    await request.accept(name=AGENT_NAME, identity=AGENT_IDENTITY)


@server.rtc_session(on_request=accept)
async def entrypoint(ctx: JobContext) -> None:
    # Every behaviour reads and writes through the worker's one shared store.
    store = services.store
    held = await room_lease.hold(ctx, store, services.worker_id)
    # Before connecting: a message sent the moment the agent arrives is not missed.
    chat = chat_relay.attach(ctx, store, held.room)
    # Tracks are subscribed to by what needs them (captions: microphones only).
    await room_connect.connect(ctx, auto_subscribe=AutoSubscribe.SUBSCRIBE_NONE)
    log.info("agent joined room %s", ctx.room.name)
    presence.attach(ctx, store, held)
    guest_gate.attach(ctx, store)
    history_rpc.attach(ctx.room, store, held.room)
    commands.attach(ctx, chat, services.words, store, held.room)
    room_captions: RoomCaptions | CaptionDispatcher | None = None
    if captions is not None:
        room_captions = RoomCaptions(ctx.room, store, captions)
    elif caption_config.separate:
        room_captions = CaptionDispatcher(ctx.room, store, config.livekit)
    if room_captions is not None:
        await room_captions.start()

    async def _left(reason: str) -> None:
        if room_captions is not None:
            await room_captions.aclose()
        log.info("agent left room %s (%s)", ctx.room.name, reason)

    ctx.add_shutdown_callback(_left)
