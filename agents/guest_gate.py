"""Guests whose link was withdrawn are turned away, even with a token still valid.

A guest's LiveKit token lasts until the occurrence ends, and livekit-server cannot revoke
a token. Withdrawing the link removes a guest who is in the room (the API does that); this
keeps them out when they come back with the token they already have.
"""

from __future__ import annotations

import asyncio
import logging

import aiohttp
from livekit import api, rtc
from livekit.agents import JobContext

from agents.store import WorkerStore
from db import invitations

log = logging.getLogger("colearn.agent.guests")

GUEST_PREFIX = "guest-"


def attach(ctx: JobContext, store: WorkerStore) -> GuestGate:
    """Check every guest in the room now and every one who joins (call once connected)."""
    gate = GuestGate(ctx, store)
    ctx.room.on("participant_connected", gate.check)
    for participant in list(ctx.room.remote_participants.values()):
        gate.check(participant)
    return gate


def invitation_of(identity: str) -> int | None:
    """The invitation id of a guest identity (``guest-{id}``), else None."""
    number = identity.removeprefix(GUEST_PREFIX)
    if number == identity or not number.isdigit() or len(number) > 18:
        return None
    return int(number)


class GuestGate:
    def __init__(self, ctx: JobContext, store: WorkerStore) -> None:
        self._ctx = ctx
        self._store = store
        self._checks: set[asyncio.Task[None]] = set()

    def check(self, participant: rtc.RemoteParticipant) -> None:
        invitation_id = invitation_of(participant.identity)
        if invitation_id is None:
            return
        task = asyncio.create_task(self._check(participant.identity, invitation_id))
        self._checks.add(task)
        task.add_done_callback(self._checks.discard)

    async def _check(self, identity: str, invitation_id: int) -> None:
        try:
            found = await self._store.read(invitations.load, invitation_id)
        except Exception:
            log.exception("could not look up %s; letting them stay", identity)
            return
        if found is not None and found.status == invitations.ACCEPTED:
            return
        status = "unknown" if found is None else found.status
        room = self._ctx.room.name
        log.info("turning %s away from %s: their invitation is %s", identity, room, status)
        try:
            await self._ctx.api.room.remove_participant(
                api.RoomParticipantIdentity(room=room, identity=identity)
            )
        except (api.ServerError, aiohttp.ClientError, TimeoutError) as exc:
            log.warning("could not remove %s from %s: %s", identity, room, exc)
