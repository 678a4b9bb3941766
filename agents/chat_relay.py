"""Store every chat message sent in a room, once each, in the order they arrived.

Both wire forms are read (``agents.chat_wire``). A message is keyed by its id, so the copy
LiveKit's React components send in the legacy form, or a message LiveKit hands a reconnecting
agent again, is stored once. Its sender then gets an acknowledgement by id (``chat_wire.ack``),
so a client that keeps what it sent until then can send it again after an agent crash.
Whoever needs newly stored messages (the commands) subscribes with ``on_new_message``: a
listener hears each message once, after it has been committed.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from typing import Any

from livekit import rtc
from livekit.agents import JobContext

from agents import replies
from agents.arrival_order import ArrivalOrder
from agents.chat_send import send_chat
from agents.chat_wire import (
    CHAT_ACK_TOPIC,
    AckStatus,
    Rejected,
    ack,
    parse_legacy,
    read_stream,
    sent_at,
)
from agents.metrics import CHAT_STORED
from agents.rate_limit import RateLimiter
from agents.store import WorkerStore, log_failure
from colearn.wire import CHAT_TOPIC, LEGACY_CHAT_TOPIC
from db.chat import ChatMessage, StoredMessage, name_sender, store_message
from db.room_ref import RoomRef

log = logging.getLogger("colearn.agent.chat")

NewMessageListener = Callable[[StoredMessage], None]
# How long a message still streaming in may keep later ones waiting to be stored.
ORDER_PATIENCE_S = 2.0


def attach(ctx: JobContext, store: WorkerStore, room: RoomRef) -> ChatRelay:
    """Store the room's chat from now on (call before connecting, so no message slips by)."""
    relay = ChatRelay(ctx.room, store, room)
    relay.start()
    ctx.add_shutdown_callback(relay.aclose)
    return relay


class ChatRelay:
    def __init__(self, room: rtc.Room, store: WorkerStore, ref: RoomRef) -> None:
        self._room = room
        self._store = store
        self._ref = ref
        self._loop = asyncio.get_running_loop()
        self._listeners: list[NewMessageListener] = []
        self._tasks: set[asyncio.Task[object]] = set()
        # livekit-server announces a participant who publishes no track up to 3 s after they
        # join, and their first messages can come before that: stored without a name, and
        # named once the participant is announced.
        self._nameless: set[str] = set()
        self._order = ArrivalOrder(self._store_message, patience_s=ORDER_PATIENCE_S)
        # One "not saved" notice per sender per half minute: a flood gets no flood back.
        self._notices = RateLimiter(burst=1, per_second=1 / 30)

    def start(self) -> None:
        self._room.register_text_stream_handler(CHAT_TOPIC, self._on_stream)
        self._room.on("data_received", self._on_packet)
        self._room.on("participant_connected", self._on_participant)

    def on_new_message(self, listener: NewMessageListener) -> None:
        self._listeners.append(listener)

    async def aclose(self) -> None:
        self._room.unregister_text_stream_handler(CHAT_TOPIC)
        self._room.off("data_received", self._on_packet)
        self._room.off("participant_connected", self._on_participant)
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._order.close()

    def _on_stream(self, reader: rtc.TextStreamReader, sender: str) -> None:
        place = self._order.take_place()
        received = datetime.now(UTC)
        self._spawn(self._read_stream(reader, sender, received, place))

    async def _read_stream(
        self, reader: rtc.TextStreamReader, sender: str, received: datetime, place: int
    ) -> None:
        message = None
        try:
            message = await self._message_in(reader, sender, received)
        finally:
            self._order.finish(place, message)

    async def _message_in(
        self, reader: rtc.TextStreamReader, sender: str, received: datetime
    ) -> ChatMessage | None:
        info = reader.info
        try:
            body = await read_stream(reader)
        except Rejected as rejected:
            self._reject(info.stream_id, sender, rejected)
            return None
        except rtc.StreamError as exc:
            log.warning(
                "chat stream %s from %s in %s broke off: %s",
                info.stream_id,
                sender,
                self._ref.name,
                exc.description,
            )
            return None
        timestamp = sent_at(info.timestamp, received)
        return ChatMessage(info.stream_id, sender, self._name(sender), body, timestamp)

    def _on_packet(self, packet: rtc.DataPacket) -> None:
        if packet.topic != LEGACY_CHAT_TOPIC:
            return
        received = datetime.now(UTC)
        if packet.participant is None:
            # LiveKit's SDK drops the sender of a packet from a participant it has not been
            # told about yet (up to 3 s after they join): such a message cannot be attributed.
            log.warning(
                "legacy chat packet in %s from a participant not announced yet", self._ref.name
            )
            return
        sender = packet.participant.identity
        try:
            legacy = parse_legacy(packet.data)
        except Rejected as rejected:
            self._reject(None, sender, rejected)
            return
        self._order.add(
            ChatMessage(
                legacy.id,
                sender,
                packet.participant.name,
                legacy.message,
                sent_at(legacy.timestamp_ms, received),
            )
        )

    def _store_message(self, message: ChatMessage) -> None:
        # Queued in arrival order; the store commits in the order it was given.
        future = self._store.write(store_message, self._ref, message)

        def _committed(done: concurrent.futures.Future[StoredMessage | None]) -> None:
            try:
                self._loop.call_soon_threadsafe(self._stored, message, done)
            except RuntimeError:
                pass  # the room's loop is gone: the job ended while the write was queued

        future.add_done_callback(_committed)

    def _stored(
        self, message: ChatMessage, done: concurrent.futures.Future[StoredMessage | None]
    ) -> None:
        if (exc := done.exception()) is not None:
            log.error(
                "could not store chat message %s from %s in %s: %s",
                message.message_id,
                message.sender_identity,
                self._ref.name,
                exc,
            )
            return
        stored = done.result()
        self._acknowledge(message.sender_identity, message.message_id, "stored")
        if stored is None:
            log.debug("chat message %s in %s was stored before", message.message_id, self._ref.name)
            return
        CHAT_STORED.inc()
        for listener in self._listeners:
            listener(stored)

    def _reject(self, message_id: str | None, sender: str, rejected: Rejected) -> None:
        log.warning(
            "chat message %s from %s in %s not stored: %s",
            message_id or "(no id)",
            sender,
            self._ref.name,
            rejected.reason,
        )
        if message_id is not None and rejected.code != "malformed":
            self._acknowledge(sender, message_id, "refused")  # sending it again cannot help
        if rejected.code == "too_long" and self._notices.allow(sender):
            notice = replies.NOT_SAVED_TOO_LONG
            self._spawn(send_chat(self._room, notice, to=sender, reply_to=message_id))

    def _acknowledge(self, sender: str, message_id: str, status: AckStatus) -> None:
        self._spawn(self._send_ack(sender, ack(message_id, status)))

    async def _send_ack(self, sender: str, payload: bytes) -> None:
        try:
            await self._room.local_participant.publish_data(
                payload, reliable=True, topic=CHAT_ACK_TOPIC, destination_identities=[sender]
            )
        except Exception as exc:  # the sender resends unacknowledged messages: no harm
            log.debug("chat acknowledgement to %s in %s not sent: %s", sender, self._ref.name, exc)

    def _name(self, identity: str) -> str:
        participant = self._room.remote_participants.get(identity)
        if participant is None:
            self._nameless.add(identity)
            return ""
        return participant.name

    def _on_participant(self, participant: rtc.RemoteParticipant) -> None:
        if participant.identity in self._nameless and participant.name:
            self._nameless.discard(participant.identity)
            identity, name = participant.identity, participant.name
            log_failure(
                self._store.write(name_sender, self._ref, identity, name),
                f"naming {identity}'s messages in {self._ref.name}",
                log,
            )

    def _spawn(self, coro: Coroutine[Any, Any, object]) -> None:
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
