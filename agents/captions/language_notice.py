"""Telling a room that its captions cannot be in its session's language.

With an English-only Whisper model (the bundled ``tiny.en``), a session held in another
language is still captioned, in English: speech in that language comes out as English-like
guesses. So everyone in the room gets a chat message from the caption agent saying so (and
how to switch captions off), once each: those present when it is first seen, and whoever
joins later. The worker's log says it once per room.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

from livekit import rtc

from agents.chat_send import send_chat

log = logging.getLogger("colearn.agent.captions")

# A participant's page sets up its chat after it connects: a message sent the moment it
# arrives could come before anything listens.
JOINER_DELAY_S = 2.0
NOT_TOLD = (rtc.ParticipantKind.PARTICIPANT_KIND_AGENT, rtc.ParticipantKind.PARTICIPANT_KIND_EGRESS)


def notice_text(wanted: str) -> str:
    return (
        f"Captions here are in English only: this session is held in '{wanted}', but this "
        "server's speech model knows only English, so speech in other languages is captioned "
        "as English guesses. The facilitator can switch captions off for the session."
    )


class LanguageNotice:
    def __init__(self, room: rtc.Room) -> None:
        self._room = room
        self._wanted: str | None = None  # the language the room is told about, if any
        self._told: set[str] = set()
        self._tasks: set[asyncio.Task[Any]] = set()

    def start(self) -> None:
        self._room.on("participant_connected", self._on_joined)

    def update(self, wanted: str | None, used: str, *, enabled: bool) -> None:
        """The session wants ``wanted``; captions are in ``used`` (and on if ``enabled``)."""
        if not enabled or wanted is None or wanted == used:
            self._wanted = None
            self._told.clear()
            return
        if wanted != self._wanted:
            self._wanted = wanted
            self._told.clear()
            log.warning(
                "captions in %s: the session is in %r, the model knows English only: "
                "captioning in English and telling the room",
                self._room.name,
                wanted,
            )
        for participant in list(self._room.remote_participants.values()):
            self._tell(participant)

    async def aclose(self) -> None:
        self._room.off("participant_connected", self._on_joined)
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def _on_joined(self, participant: rtc.RemoteParticipant) -> None:
        self._tell(participant, after=JOINER_DELAY_S)

    def _tell(self, participant: rtc.RemoteParticipant, *, after: float = 0.0) -> None:
        if self._wanted is None or participant.kind in NOT_TOLD:
            return
        if participant.identity in self._told:
            return
        self._told.add(participant.identity)
        self._spawn(self._send(participant.identity, self._wanted, after))

    async def _send(self, identity: str, wanted: str, after: float) -> None:
        await asyncio.sleep(after)
        if self._wanted == wanted and identity in self._room.remote_participants:
            await send_chat(self._room, notice_text(wanted), to=identity)

    def _spawn(self, work: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.create_task(work, name="captions-language-notice")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
