"""Composition root of a caption worker: captions only, in the rooms it is dispatched to.

Run with ``python -m agents.captions``. It registers as the agent ``colearn-captions``
(explicit dispatch: the Co~Learn agent asks for it in rooms where captions are on, see
agents/captions/dispatch.py), so caption capacity grows by starting more of these, on this
machine or others, while chat, presence and /define stay in the light Co~Learn worker.

Its load, as livekit-server sees it, is what it really has on: the larger of the share of
the last seconds Whisper was busy, microphones over COLEARN_CAPTION_MAX_SPEAKERS and rooms
over COLEARN_CAPTION_MAX_ROOMS. At 1.0 it reports itself full and new rooms go elsewhere.
"""

from __future__ import annotations

import asyncio
import logging

from livekit.agents import AgentServer, AutoSubscribe, JobContext, JobExecutorType, JobRequest

from agents import room_connect
from agents.captions.config import CaptionConfig
from agents.captions.dispatch import CAPTIONS_AGENT_NAME, CAPTIONS_IDENTITY, Heartbeat
from agents.captions.room_captions import RoomCaptions
from agents.captions.service import CaptionService
from agents.captions.stats import STATS
from agents.config import AgentConfig
from agents.store import WorkerStore

log = logging.getLogger("colearn.agent.captions")

config = AgentConfig.from_env()
caption_config = CaptionConfig.from_env()
captions = CaptionService.load(caption_config)
_store: list[WorkerStore] = []
_tasks: list[asyncio.Task[None]] = []


def caption_load(worker: AgentServer) -> float:
    rooms = len(worker.active_jobs) / caption_config.max_rooms
    speakers = STATS.speakers / caption_config.max_speakers
    return min(1.0, max(rooms, speakers, STATS.busy_fraction()))


server = AgentServer(
    job_executor_type=JobExecutorType.THREAD,
    load_fnc=caption_load,
    load_threshold=1.0,
    ws_url=config.livekit.url,
    api_key=config.livekit.api_key,
    api_secret=config.livekit.api_secret,
    host="127.0.0.1",
    port=config.http_port,
    drain_timeout=5,
)


async def _hold_store() -> None:
    # livekit-agents cancels the worker loop's tasks last, after every room has ended.
    try:
        await asyncio.Event().wait()
    finally:
        await asyncio.to_thread(_store[0].close)


@server.on("worker_started")
def _started() -> None:
    _store.append(WorkerStore.open(config.db_url))
    # held here: a task nobody refers to may be garbage-collected, closing the store
    _tasks.append(asyncio.get_running_loop().create_task(_hold_store(), name="caption-store"))


@server.on("worker_registered")
def _registered(worker_id: str, server_info: object) -> None:
    log.info("colearn caption worker registered: %s", worker_id)


async def accept(request: JobRequest) -> None:
    await request.accept(name="Captions", identity=f"{CAPTIONS_IDENTITY}-{request.job.id}")


@server.rtc_session(on_request=accept, agent_name=CAPTIONS_AGENT_NAME)
async def entrypoint(ctx: JobContext) -> None:
    await room_connect.connect(ctx, auto_subscribe=AutoSubscribe.SUBSCRIBE_NONE)
    log.info("caption agent joined room %s", ctx.room.name)
    duplicate = asyncio.Event()
    heartbeat = Heartbeat(ctx.room, duplicate)
    heartbeat.start()
    room_captions = RoomCaptions(ctx.room, _store[0], captions)
    await room_captions.start()

    async def _leave_if_duplicate() -> None:
        await duplicate.wait()
        ctx.shutdown("another caption agent is in the room")

    watching = asyncio.create_task(_leave_if_duplicate(), name="captions-duplicate")

    async def _left(reason: str) -> None:
        watching.cancel()
        await heartbeat.aclose()
        await room_captions.aclose()
        log.info("caption agent left room %s (%s)", ctx.room.name, reason)

    ctx.add_shutdown_callback(_left)
