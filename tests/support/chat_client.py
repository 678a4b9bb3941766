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

from colearn.wire import AGENT_IDENTITY, CHAT_TOPIC, LEGACY_CHAT_TOPIC
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
            try:
                self.legacy.append((packet.participant.identity, json.loads(packet.data)))
            except ValueError:  # not JSON (tests/test_agent_fuzz.py sends such): no message
                pass

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


# The acknowledgement protocol (docs/livekit-clients.md, "Chat acknowledgements"), as the web
# page speaks it (web/src/lib/chatOutbox.ts): the same rules, so a test can send hundreds.
CHAT_ACK_TOPIC = "colearn.chat.ack"
RESEND_AFTER_S = 3.0  # then twice as long each time, up to RESEND_AT_MOST_S
RESEND_AT_MOST_S = 30.0


@dataclass
class _Pending:
    text: str
    timestamp_ms: int
    sent_at: float  # time.monotonic() of the last send
    tries: int = 0

    def due(self, now: float) -> bool:
        wait = min(RESEND_AFTER_S * 2**self.tries, RESEND_AT_MOST_S)
        return now - self.sent_at >= wait


class ChatOutbox:
    """Sends chat like the React components, and keeps each message until the agent
    acknowledges it; sends it again (same id, to the agent alone) when an agent arrives and
    ``RESEND_AFTER_S`` after it was sent, then less and less often, while unacknowledged."""

    def __init__(self, room: rtc.Room) -> None:
        self._room = room
        self.pending: dict[str, _Pending] = {}
        self.acknowledged: dict[str, str] = {}  # message id -> status
        self.resent = 0
        room.on("data_received", self._on_packet)
        room.on("participant_connected", self._on_participant)
        self._timer = asyncio.create_task(self._resend_late())
        self._tasks: set[asyncio.Task[None]] = set()

    async def send(self, text: str) -> str:
        message_id = await send_chat(self._room, text)
        timestamp_ms = int(time.time() * 1000)
        if message_id not in self.acknowledged:  # the acknowledgement can come back first
            self.pending[message_id] = _Pending(text, timestamp_ms, time.monotonic())
        packet = {"id": message_id, "timestamp": timestamp_ms, "message": text}
        await self._room.local_participant.publish_data(
            json.dumps({**packet, "ignoreLegacy": True}), reliable=True, topic=LEGACY_CHAT_TOPIC
        )
        return message_id

    def _on_packet(self, packet: rtc.DataPacket) -> None:
        if packet.topic != CHAT_ACK_TOPIC or packet.participant is None:
            return
        if packet.participant.identity != AGENT_IDENTITY:
            return
        try:
            ack = json.loads(packet.data)
            message_id, status = ack["id"], ack["status"]
        except (ValueError, KeyError, TypeError):
            return
        self.pending.pop(message_id, None)
        self.acknowledged.setdefault(message_id, status)

    def _on_participant(self, participant: rtc.RemoteParticipant) -> None:
        if participant.identity == AGENT_IDENTITY:
            task = asyncio.create_task(self._resend(list(self.pending)))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _resend_late(self) -> None:
        while True:
            await asyncio.sleep(RESEND_AFTER_S / 3)
            now = time.monotonic()
            await self._resend([i for i, p in self.pending.items() if p.due(now)])

    async def _resend(self, ids: list[str]) -> None:
        if AGENT_IDENTITY not in self._room.remote_participants:
            return
        for message_id in ids:
            pending = self.pending.get(message_id)
            if pending is None:
                continue
            pending.sent_at = time.monotonic()
            pending.tries += 1
            packet = {
                "id": message_id,
                "timestamp": pending.timestamp_ms,
                "message": pending.text,
                "ignoreLegacy": True,  # others showed it when it was first sent
            }
            try:
                await self._room.local_participant.publish_data(
                    json.dumps(packet),
                    reliable=True,
                    topic=LEGACY_CHAT_TOPIC,
                    destination_identities=[AGENT_IDENTITY],
                )
            except Exception:  # not connected just now: the next round tries again
                return
            self.resent += 1

    async def aclose(self) -> None:
        self._room.off("data_received", self._on_packet)
        self._room.off("participant_connected", self._on_participant)
        for task in [self._timer, *self._tasks]:
            task.cancel()
        await asyncio.gather(self._timer, *self._tasks, return_exceptions=True)
