"""Chat sent with LiveKit's standard chat is stored once each, in order, with sender and time."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import UTC, datetime, timedelta

from agents.chat_wire import MAX_MESSAGE_CHARS
from colearn.wire import AGENT_IDENTITY, LEGACY_CHAT_TOPIC
from db.chat import StoredMessage, messages_after
from db.events import events_after
from tests.support.agent_room import join, seen_by_agent, stored
from tests.support.chat_client import send_both_forms, send_chat, send_legacy_chat
from tests.support.stack import RunningStack
from tests.support.waiting import eventually

# Long enough for a duplicate to have been written if the agent were going to write one.
SETTLE_S = 1.0


async def _stored_messages(stack: RunningStack, room: str) -> list[StoredMessage]:
    async with stored(stack) as db:
        return await messages_after(db, room_name=room)


async def _wait_for_count(stack: RunningStack, room: str, count: int) -> list[StoredMessage]:
    return await eventually(
        lambda: _count_is(stack, room, count), within=10, what=f"{count} stored messages"
    )


async def _count_is(stack: RunningStack, room: str, count: int) -> list[StoredMessage] | None:
    messages = await _stored_messages(stack, room)
    assert len(messages) <= count, f"more messages stored than sent: {messages}"
    return messages if len(messages) == count else None


async def test_text_stream_message_is_stored_once_with_sender_and_time(
    stack: RunningStack, room_name: str
) -> None:
    alice = await join(stack, room_name, "alice")
    bob = await join(stack, room_name, "bob")
    try:
        before = datetime.now(UTC)
        stream_id = await send_chat(alice.rtc.room, "Hello everyone, shall we start?")
        await bob.inbox.next_from("alice", after=0, what="bob to see alice's message")

        [message] = await _wait_for_count(stack, room_name, 1)
        await asyncio.sleep(SETTLE_S)
        assert len(await _stored_messages(stack, room_name)) == 1
        assert message.message_id == stream_id
        assert message.body == "Hello everyone, shall we start?"
        assert (message.sender_identity, message.sender_name) == ("alice", "Alice")
        assert message.room_name == room_name
        assert before - timedelta(seconds=1) <= message.sent_at <= datetime.now(UTC)

        async with stored(stack) as db:
            events = await events_after(db, 0, topics=[f"room:{room_name}"])
        chat_events = [e for e in events if e.kind == "chat.message"]
        assert [json.loads(e.payload)["id"] for e in chat_events] == [message.id]
    finally:
        await alice.aclose()
        await bob.aclose()


async def test_legacy_packet_is_stored_once_even_when_sent_again(
    stack: RunningStack, room_name: str
) -> None:
    carol = await join(stack, room_name, "carol")
    try:
        message_id = f"legacy-{uuid.uuid4()}"
        await send_legacy_chat(carol.rtc.room, "Sorry I'm late!", message_id)
        await send_legacy_chat(carol.rtc.room, "Sorry I'm late!", message_id)
        [message] = await _wait_for_count(stack, room_name, 1)
        await asyncio.sleep(SETTLE_S)
        assert len(await _stored_messages(stack, room_name)) == 1
        assert (message.message_id, message.body) == (message_id, "Sorry I'm late!")
        assert (message.sender_identity, message.sender_name) == ("carol", "Carol")
    finally:
        await carol.aclose()


async def test_react_components_double_send_is_stored_once(
    stack: RunningStack, room_name: str
) -> None:
    dave = await join(stack, room_name, "dave")
    try:
        message_id = await send_both_forms(dave.rtc.room, "Both forms, one message")
        [message] = await _wait_for_count(stack, room_name, 1)
        await asyncio.sleep(SETTLE_S)
        assert len(await _stored_messages(stack, room_name)) == 1
        assert message.message_id == message_id
    finally:
        await dave.aclose()


async def test_messages_are_stored_in_the_order_they_were_sent(
    stack: RunningStack, room_name: str
) -> None:
    erin = await join(stack, room_name, "erin")
    frank = await join(stack, room_name, "frank")
    try:
        # Erin's client speaks text streams, Frank's only the legacy packets; and LiveKit's
        # SDK drops the sender of a packet from someone the room has not announced yet.
        await seen_by_agent(stack, room_name, "frank")
        sent = []
        for n in range(40):
            text = f"message {n}"
            if n % 2:
                await send_chat(erin.rtc.room, text)
            else:
                await send_legacy_chat(frank.rtc.room, text, f"m-{n}-{uuid.uuid4()}")
            sent.append(text)
        messages = await _wait_for_count(stack, room_name, len(sent))
        assert [m.body for m in messages if m.sender_identity == "erin"] == sent[1::2]
        assert [m.body for m in messages if m.sender_identity == "frank"] == sent[0::2]
        assert [m.id for m in messages] == sorted(m.id for m in messages)
    finally:
        await erin.aclose()
        await frank.aclose()


async def test_malformed_and_oversized_messages_are_refused_and_the_room_goes_on(
    stack: RunningStack, room_name: str
) -> None:
    gina = await join(stack, room_name, "gina")
    try:
        local = gina.rtc.room.local_participant
        await local.publish_data(b"\xff\xfe not json", reliable=True, topic=LEGACY_CHAT_TOPIC)
        await local.publish_data(b'{"message": "no id"}', reliable=True, topic=LEGACY_CHAT_TOPIC)
        await local.publish_data(b"[1, 2, 3]", reliable=True, topic=LEGACY_CHAT_TOPIC)
        await send_legacy_chat(gina.rtc.room, "x" * (MAX_MESSAGE_CHARS + 1), "too-long-legacy")
        await send_chat(gina.rtc.room, "y" * (MAX_MESSAGE_CHARS * 3))
        await send_chat(gina.rtc.room, "   ")

        notice = await gina.inbox.next_from(AGENT_IDENTITY, after=0, what="a 'too long' notice")
        assert "too long" in notice.text and str(MAX_MESSAGE_CHARS) in notice.text

        await send_chat(gina.rtc.room, "Still here?")
        [message] = await _wait_for_count(stack, room_name, 1)
        assert message.body == "Still here?"
        assert stack.agent is not None
        log = stack.agent.output()
        for reason in ("not UTF-8 JSON", "no usable 'id'", "not an object", "limit", "no text"):
            assert reason in log, f"no logged reason {reason!r}"
        assert "xxxxxxxx" not in log and "yyyyyyyy" not in log, "message text in the log"
        # one notice, not one per refused message
        await asyncio.sleep(SETTLE_S)
        assert len(gina.inbox.from_sender(AGENT_IDENTITY)) == 1
    finally:
        await gina.aclose()
