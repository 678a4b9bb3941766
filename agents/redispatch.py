"""Every active room has the agent again within seconds after a worker dies or restarts.

livekit-server dispatches the agent once, when a room is created, and never again: after a
worker crash (or a restart that ends its jobs) the room goes on without an agent, and the
dead agent even stays listed as a participant for about 20 s. So every worker, twice a
second, (1) marks the rooms its running jobs hold as alive (``db.agent_rooms.heartbeat``),
and (2) compares the rooms livekit-server has with those holds: a room nobody alive holds
gets an explicit dispatch through LiveKit's agent dispatch API, which with an empty agent
name reaches the same workers automatic dispatch does. The database decides which worker
asks, so a room gets one new agent even when several workers notice at once.

A worker on this machine whose process is gone is known dead at once, without waiting for
its heartbeat to go stale: a worker restarted after a crash takes its rooms back as soon as
it has registered. (A pid reused by another process only delays that to the heartbeat.)

A room livekit-server no longer lists is forgotten (its presence closed) only once it has
been missing for ``FORGET_AFTER_S``: a single node keeps its rooms in memory only, so a
restarted livekit-server lists none until their people have reconnected, a few seconds
later. Forgotten at once, every stay closed and the room, made again, waited out
``NEW_ROOM_GRACE_MS`` for an automatic dispatch that went nowhere (the worker registers
again only after its own back-off); kept, it gets its agent as soon as it is listed
(tests/test_livekit_restart.py).

The dead agent is removed from the room first. Left in place, it would be evicted by the
new agent, which has the same identity, and livekit-server, which tracks agent jobs by
identity, would then end the new agent's job in its place (seen: the new agent leaves
within 0.1 s of arriving).
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

from livekit import api

from agents.store import WorkerStore
from colearn.config import LiveKitConfig
from colearn.wire import AGENT_IDENTITY
from db import agent_rooms
from db.agent_rooms import Liveness

log = logging.getLogger("colearn.agent.redispatch")

HEARTBEAT_S = 0.5
# Four missed heartbeats: a busy worker is not taken for a dead one, and a worker on another
# machine (whose process cannot be looked at) is known dead 2-2.5 s after it died, so its
# rooms have an agent again within 5 s (tests/test_cluster.py, bench/cluster.py).
STALE_AFTER = timedelta(seconds=2)
# A room this young may still be getting its agent from automatic dispatch.
NEW_ROOM_GRACE_MS = 10_000
# Longer than LiveKit clients go on trying to reconnect to a restarted server.
FORGET_AFTER_S = 30.0


def this_worker_id() -> str:
    """How the database names this worker process: host and pid."""
    return f"{socket.gethostname()}-{os.getpid()}"


def _gone(worker_id: str | None) -> bool:
    """True if ``worker_id`` is a worker on this machine whose process has ended."""
    host, _, pid = (worker_id or "").rpartition("-")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # someone else's process
    return False


class Redispatcher:
    def __init__(
        self,
        store: WorkerStore,
        livekit: LiveKitConfig,
        running_jobs: Callable[[], Sequence[str]],
    ) -> None:
        self._store = store
        self._livekit = livekit
        self._running_jobs = running_jobs
        self._missing_since: dict[str, float] = {}  # room -> time.monotonic() first missed

    async def run(self) -> None:
        """Heartbeat and check every ``HEARTBEAT_S``, until cancelled."""
        lkapi = api.LiveKitAPI(
            self._livekit.http_url, self._livekit.api_key, self._livekit.api_secret
        )
        try:
            while True:
                try:
                    await self.check(lkapi)
                except Exception as exc:  # livekit-server or the disk may be briefly away
                    log.warning("re-dispatch check failed: %s", exc)
                await asyncio.sleep(HEARTBEAT_S)
        finally:
            await lkapi.aclose()

    async def check(self, lkapi: api.LiveKitAPI) -> list[str]:
        """One round; returns the rooms it dispatched an agent to."""
        now = datetime.now(UTC)
        jobs = list(self._running_jobs())
        await asyncio.wrap_future(self._store.write(agent_rooms.heartbeat, jobs, now))
        active = (await lkapi.room.list_rooms(api.ListRoomsRequest())).rooms
        alive = Liveness(now - STALE_AFTER)
        found = await self._store.read(agent_rooms.load_leases, alive)
        dead = tuple({lease.worker_id for lease in found if lease.held and _gone(lease.worker_id)})
        if dead:
            alive = Liveness(alive.cutoff, dead)
            found = await self._store.read(agent_rooms.load_leases, alive)
        leases = {lease.room_name: lease for lease in found}
        dispatched = []
        for room in active:
            lease = leases.get(room.name)
            if lease is not None and lease.held:
                continue
            if lease is None and time.time() * 1000 - room.creation_time_ms < NEW_ROOM_GRACE_MS:
                continue
            if await self._claim(room.name, now, alive):
                await _remove_dead_agent(lkapi, room.name)
                await lkapi.agent_dispatch.create_dispatch(
                    api.CreateAgentDispatchRequest(agent_name="", room=room.name)
                )
                log.info("room %s had no live agent: dispatched a new one", room.name)
                dispatched.append(room.name)
        names = {room.name for room in active}
        missing = {
            lease.room_name
            for lease in leases.values()
            if lease.room_name not in names and not lease.held
        }
        checked = time.monotonic()
        self._missing_since = {
            name: self._missing_since.get(name, checked) for name in sorted(missing)
        }
        for name, since in list(self._missing_since.items()):
            if checked - since >= FORGET_AFTER_S:
                await self._forget(name, alive)
                del self._missing_since[name]
        return dispatched

    async def _claim(self, room_name: str, now: datetime, alive: Liveness) -> bool:
        return await asyncio.wrap_future(
            self._store.write(agent_rooms.claim_dispatch, room_name, now, alive)
        )

    async def _forget(self, room_name: str, alive: Liveness) -> None:
        forgotten = await asyncio.wrap_future(
            self._store.write(agent_rooms.forget_ended, room_name, alive)
        )
        if forgotten:
            log.info("room %s ended while no agent held it: its presence is closed", room_name)


async def _remove_dead_agent(lkapi: api.LiveKitAPI, room_name: str) -> None:
    try:
        await lkapi.room.remove_participant(
            api.RoomParticipantIdentity(room=room_name, identity=AGENT_IDENTITY)
        )
    except api.TwirpError as exc:
        if exc.code != api.TwirpErrorCode.NOT_FOUND:
            raise
