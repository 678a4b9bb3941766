"""Who is in the room: every join and leave is recorded (identities in the log, never more).

The records stay true across the agent's own absences: on arrival and after a reconnection
the open stays are reconciled with who is actually there (``db.presence.reconcile``). While
the agent's own connection is down, the joins and leaves its SDK reports are not taken as
news: when it joins the room again from scratch (after livekit-server restarted), the SDK
first drops every participant, then lists them again, which would end and reopen everyone's
stay; the reconciliation once reconnected records only who really came or went
(tests/test_livekit_restart.py).
Agents, recorders and the like are not attendees and are left out.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from livekit import rtc
from livekit.agents import JobContext

from agents.store import WorkerStore, log_failure
from db import presence
from db.agent_rooms import Held
from db.presence import Arrival
from db.room_ref import RoomRef

log = logging.getLogger("colearn.agent.presence")

NOT_ATTENDEES = (
    rtc.ParticipantKind.PARTICIPANT_KIND_AGENT,
    rtc.ParticipantKind.PARTICIPANT_KIND_EGRESS,
)


def attach(ctx: JobContext, store: WorkerStore, held: Held) -> Presence:
    """Record who is in the room from now on (call once connected)."""
    tracker = Presence(ctx.room, store, held.room)
    tracker.start(absent_since=held.previous_seen_at)
    return tracker


class Presence:
    def __init__(self, room: rtc.Room, store: WorkerStore, ref: RoomRef) -> None:
        self._room = room
        self._store = store
        self._ref = ref
        self._lost_at: datetime | None = None

    def start(self, *, absent_since: datetime | None) -> None:
        """Record who is here now and follow joins and leaves from here on.

        ``absent_since``: since when no agent watched the room (the previous holder's last
        sign of life); stays of people who left meanwhile end then.
        """
        self._room.on("participant_connected", self._joined)
        self._room.on("participant_disconnected", self._left)
        self._room.on("reconnecting", self._reconnecting)
        self._room.on("reconnected", self._reconnected)
        for participant in self._attendees():
            log.info("present in %s: %s", self._ref.name, participant.identity)
        self._reconcile(absent_since or datetime.now(UTC))

    def _joined(self, participant: rtc.RemoteParticipant) -> None:
        if participant.kind in NOT_ATTENDEES or self._lost_at is not None:
            return
        log.info("joined %s: %s", self._ref.name, participant.identity)
        self._write("presence join", presence.join, self._ref, _arrival(participant))

    def _left(self, participant: rtc.RemoteParticipant) -> None:
        if participant.kind in NOT_ATTENDEES or self._lost_at is not None:
            return
        log.info("left %s: %s", self._ref.name, participant.identity)
        now = datetime.now(UTC)
        self._write("presence leave", presence.leave, self._ref, participant.identity, now)

    def _reconnecting(self) -> None:
        self._lost_at = self._lost_at or datetime.now(UTC)

    def _reconnected(self) -> None:
        # Joins and leaves during the gap may have gone unseen.
        self._reconcile(self._lost_at or datetime.now(UTC))
        self._lost_at = None

    def _reconcile(self, absent_since: datetime) -> None:
        arrivals = [_arrival(p) for p in self._attendees()]
        self._write("presence reconcile", presence.reconcile, self._ref, arrivals, absent_since)

    def _attendees(self) -> list[rtc.RemoteParticipant]:
        return [p for p in self._room.remote_participants.values() if p.kind not in NOT_ATTENDEES]

    def _write(self, what: str, fn: Callable[..., Any], *args: Any) -> None:
        log_failure(self._store.write(fn, *args), f"{what} in {self._ref.name}", log)


def _arrival(participant: rtc.RemoteParticipant) -> Arrival:
    return Arrival(
        participant.identity, participant.name, participant.joined_at or datetime.now(UTC)
    )
