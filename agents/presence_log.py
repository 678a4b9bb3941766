"""Log who joins and leaves a room (identities only, never what they say)."""

from __future__ import annotations

import logging

from livekit import rtc

log = logging.getLogger("colearn.agent.presence")


def attach(room: rtc.Room) -> None:
    for participant in room.remote_participants.values():
        log.info("present in %s: %s", room.name, participant.identity)

    @room.on("participant_connected")
    def _joined(participant: rtc.RemoteParticipant) -> None:
        log.info("joined %s: %s", room.name, participant.identity)

    @room.on("participant_disconnected")
    def _left(participant: rtc.RemoteParticipant) -> None:
        log.info("left %s: %s", room.name, participant.identity)
