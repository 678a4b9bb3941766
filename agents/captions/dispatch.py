"""Captions from a separate caption worker: the room's agent asks for one and watches it.

With ``COLEARN_CAPTION_AGENT=separate`` the Co~Learn agent (chat, presence, /define) does no
speech work. In each room where captions are on it dispatches the agent named
``colearn-captions`` (``python -m agents.captions``, any number of them, on any machine)
through LiveKit's agent dispatch API; livekit-server gives the job to a caption worker with
room to spare (each reports its real load).

A caption agent says it is alive with a small data packet every ``HEARTBEAT_S`` (topic
``colearn.captions.alive``). livekit-server keeps a killed agent listed as a participant for
some 20 s, so the heartbeat, not the participant list, is what counts: when none has come for
``STALE_S``, the room's agent removes the silent one and dispatches another, so a room whose
caption worker died has captions again within seconds. Two caption agents in one room (a
heartbeat that was only late) sort themselves out: the younger one leaves.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from contextlib import suppress

from livekit import api, rtc

from agents.store import WorkerStore
from colearn.config import LiveKitConfig
from db.transcripts import settings_of

log = logging.getLogger("colearn.agent.captions")

CAPTIONS_AGENT_NAME = "colearn-captions"
CAPTIONS_IDENTITY = "colearn-captions"
ALIVE_TOPIC = "colearn.captions.alive"
HEARTBEAT_S = 0.25
STALE_S = 1.0
# A dispatched agent needs this long to arrive before another is asked for.
ARRIVAL_GRACE_S = 6.0
SETTINGS_EVERY_S = 5.0


def heard_alive(packet: rtc.DataPacket) -> tuple[str, float] | None:
    """(identity, started) of a caption agent's heartbeat; None for any other packet."""
    if packet.topic != ALIVE_TOPIC or packet.participant is None:
        return None
    try:
        started = float(json.loads(packet.data)["started"])
    except (ValueError, KeyError, TypeError):
        return None
    return packet.participant.identity, started


class CaptionDispatcher:
    """In one room: a caption agent is there while captions are on."""

    def __init__(self, room: rtc.Room, store: WorkerStore, livekit: LiveKitConfig) -> None:
        self._room = room
        self._store = store
        self._livekit = livekit
        self._last_heard: dict[str, float] = {}
        self._asked_at = -ARRIVAL_GRACE_S
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._room.on("data_received", self._on_data)
        self._task = asyncio.create_task(self._watch(), name="captions-dispatch")

    async def aclose(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with suppress(asyncio.CancelledError):
                await self._task

    def _on_data(self, packet: rtc.DataPacket) -> None:
        heard = heard_alive(packet)
        if heard is not None:
            self._last_heard[heard[0]] = time.monotonic()

    def _alive(self, now: float) -> bool:
        return any(now - heard <= STALE_S for heard in self._last_heard.values())

    async def _watch(self) -> None:
        lkapi = api.LiveKitAPI(
            self._livekit.http_url, self._livekit.api_key, self._livekit.api_secret
        )
        enabled, read_at = False, -SETTINGS_EVERY_S
        try:
            while True:
                now = time.monotonic()
                try:
                    if now - read_at >= SETTINGS_EVERY_S:
                        enabled = (await self._store.read(settings_of, self._room.name)).enabled
                        read_at = now
                    if enabled and not self._alive(now) and now - self._asked_at > ARRIVAL_GRACE_S:
                        await self._replace(lkapi, now)
                except Exception as exc:  # livekit-server or the database briefly away
                    log.warning("caption dispatch check failed in %s: %s", self._room.name, exc)
                await asyncio.sleep(HEARTBEAT_S)
        finally:
            await lkapi.aclose()

    async def _replace(self, lkapi: api.LiveKitAPI, now: float) -> None:
        silent = [
            identity
            for identity in self._room.remote_participants
            if identity.startswith(CAPTIONS_IDENTITY)
        ]
        for identity in silent:
            with suppress(api.TwirpError):
                await lkapi.room.remove_participant(
                    api.RoomParticipantIdentity(room=self._room.name, identity=identity)
                )
        await lkapi.agent_dispatch.create_dispatch(
            api.CreateAgentDispatchRequest(agent_name=CAPTIONS_AGENT_NAME, room=self._room.name)
        )
        self._asked_at = now
        if silent:
            log.warning(
                "caption agent %s silent for %.1f s in %s: dispatched another",
                ", ".join(silent),
                STALE_S,
                self._room.name,
            )
        else:
            log.info("dispatched a caption agent to %s", self._room.name)


class Heartbeat:
    """The caption agent's side: say it is alive; leave if an older caption agent is here."""

    def __init__(self, room: rtc.Room, on_duplicate: asyncio.Event) -> None:
        self._room = room
        self._started = time.time()
        self._on_duplicate = on_duplicate
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._room.on("data_received", self._on_data)
        self._task = asyncio.create_task(self._beat(), name="captions-heartbeat")

    async def aclose(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with suppress(asyncio.CancelledError):
                await self._task

    def _on_data(self, packet: rtc.DataPacket) -> None:
        heard = heard_alive(packet)
        if heard is None:
            return
        identity, started = heard
        mine = (self._started, self._room.local_participant.identity)
        if (started, identity) < mine:
            log.warning("an older caption agent %s is in %s: leaving", identity, self._room.name)
            self._on_duplicate.set()

    async def _beat(self) -> None:
        payload = json.dumps({"started": self._started}).encode()
        while True:
            with suppress(Exception):
                await self._room.local_participant.publish_data(
                    payload, reliable=False, topic=ALIVE_TOPIC
                )
            await asyncio.sleep(HEARTBEAT_S)
