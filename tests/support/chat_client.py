"""Chat as any LiveKit client speaks it: text streams on ``lk.chat``, legacy packets beside them.

``ChatInbox`` records what reaches one participant; the ``send_*`` helpers send the way
current clients (``send_text``), old clients (a legacy packet) and LiveKit's React
components (both, with one id) do.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass

from livekit import rtc

from colearn.wire import CHAT_TOPIC, LEGACY_CHAT_TOPIC
from tests.support.waiting import eventually


@dataclass(frozen=True)
class Received:
    sender: str
    text: str
    stream_id: str
    at: float  # time.perf_counter() when it had fully arrived


class ChatInbox:
    """Every ``lk.chat`` text stream and legacy chat packet that reaches ``room``."""

    def __init__(self, room: rtc.Room) -> None:
        self.messages: list[Received] = []
        self.legacy: list[tuple[str, dict[str, object]]] = []
        self._tasks: set[asyncio.Task[None]] = set()
        room.register_text_stream_handler(CHAT_TOPIC, self._on_stream)
        room.on("data_received", self._on_packet)

    def _on_stream(self, reader: rtc.TextStreamReader, sender: str) -> None:
        task = asyncio.create_task(self._read(reader, sender))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _read(self, reader: rtc.TextStreamReader, sender: str) -> None:
        try:
            text = await reader.read_all()
        except rtc.StreamError:
            return  # cut off (the sender or this participant left): never arrived
        self.messages.append(Received(sender, text, reader.info.stream_id, time.perf_counter()))

    def _on_packet(self, packet: rtc.DataPacket) -> None:
        if packet.topic == LEGACY_CHAT_TOPIC and packet.participant is not None:
            self.legacy.append((packet.participant.identity, json.loads(packet.data)))

    def from_sender(self, sender: str) -> list[Received]:
        return [m for m in self.messages if m.sender == sender]

    async def next_from(
        self,
        sender: str,
        *,
        after: int,
        within: float = 10.0,
        what: str = "a chat message",
    ) -> Received:
        """The first message from ``sender`` once ``after`` of theirs have arrived."""
        found = await eventually(lambda: self.from_sender(sender)[after:], within=within, what=what)
        return found[0]

    async def aclose(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)


async def send_chat(room: rtc.Room, text: str) -> str:
    """As current LiveKit clients send: a text stream to everyone; returns its id."""
    info = await room.local_participant.send_text(text, topic=CHAT_TOPIC)
    return info.stream_id


async def send_legacy_chat(room: rtc.Room, text: str, message_id: str) -> None:
    """As clients from before text streams send: one reliable data packet."""
    packet = {"id": message_id, "timestamp": int(time.time() * 1000), "message": text}
    await room.local_participant.publish_data(
        json.dumps(packet), reliable=True, topic=LEGACY_CHAT_TOPIC
    )


async def send_both_forms(room: rtc.Room, text: str) -> str:
    """As LiveKit's React components send: the stream, then the legacy packet, one id."""
    message_id = await send_chat(room, text)
    packet = {
        "id": message_id,
        "timestamp": int(time.time() * 1000),
        "message": text,
        "ignoreLegacy": True,
    }
    await room.local_participant.publish_data(
        json.dumps(packet), reliable=True, topic=LEGACY_CHAT_TOPIC
    )
    return message_id
