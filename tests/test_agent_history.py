"""Someone who joins late fetches the room's earlier chat from the agent by RPC, page by page."""

from __future__ import annotations

import json
from typing import Any

import pytest
from livekit import rtc

from agents.chat_wire import MAX_MESSAGE_CHARS
from colearn.wire import AGENT_IDENTITY, HISTORY_RPC_METHOD
from db.chat import messages_after
from tests.support.agent_room import Person, join, stored
from tests.support.chat_client import send_chat
from tests.support.stack import RunningStack
from tests.support.waiting import eventually

RPC_LIMIT_BYTES = 15 * 1024


async def _history(person: Person, request: dict[str, Any] | str = "") -> dict[str, Any]:
    payload = request if isinstance(request, str) else json.dumps(request)
    response = await person.rtc.room.local_participant.perform_rpc(
        destination_identity=AGENT_IDENTITY, method=HISTORY_RPC_METHOD, payload=payload
    )
    assert len(response.encode()) <= RPC_LIMIT_BYTES
    return json.loads(response)


async def _wait_stored(stack: RunningStack, room: str, count: int) -> None:
    async def enough() -> bool:
        async with stored(stack) as db:
            return len(await messages_after(db, room_name=room)) >= count

    await eventually(enough, within=10, what=f"{count} stored messages")


async def test_late_joiner_gets_earlier_messages_in_pages(
    stack: RunningStack, room_name: str
) -> None:
    alice = await join(stack, room_name, "alice")
    carol = None
    try:
        sent = [await send_chat(alice.rtc.room, f"Point {n} of the agenda") for n in range(5)]
        await _wait_stored(stack, room_name, 5)
        carol = await join(stack, room_name, "carol")

        everything = await _history(carol)
        assert [m["message_id"] for m in everything["messages"]] == sent
        first = everything["messages"][0]
        assert first["text"] == "Point 0 of the agenda"
        assert (first["sender_identity"], first["sender_name"]) == ("alice", "Alice")
        assert first["sent_at"].endswith("Z")
        assert everything["before"] is None

        latest = await _history(carol, {"limit": 2})
        assert [m["text"] for m in latest["messages"]] == [
            "Point 3 of the agenda",
            "Point 4 of the agenda",
        ]
        earlier = await _history(carol, {"limit": 2, "before": latest["before"]})
        assert [m["text"] for m in earlier["messages"]] == [
            "Point 1 of the agenda",
            "Point 2 of the agenda",
        ]
        earliest = await _history(carol, {"limit": 2, "before": earlier["before"]})
        assert [m["text"] for m in earliest["messages"]] == ["Point 0 of the agenda"]
        assert earliest["before"] is None
    finally:
        await alice.aclose()
        if carol is not None:
            await carol.aclose()


async def test_long_messages_come_in_pages_that_fit_an_rpc_response(
    stack: RunningStack, room_name: str
) -> None:
    dave = await join(stack, room_name, "dave")
    try:
        texts = [f"{n} " + "é" * (MAX_MESSAGE_CHARS - 2) for n in range(4)]
        for text in texts:
            await send_chat(dave.rtc.room, text)
        await _wait_stored(stack, room_name, len(texts))

        seen: list[str] = []
        request: dict[str, Any] = {}
        while True:
            page = await _history(dave, request)
            assert page["messages"], "a page with nothing in it"
            seen = [m["text"] for m in page["messages"]] + seen
            if page["before"] is None:
                break
            request = {"before": page["before"]}
        assert seen == texts
    finally:
        await dave.aclose()


async def test_a_bad_history_request_gets_an_error_that_says_why(
    stack: RunningStack, room_name: str
) -> None:
    erin = await join(stack, room_name, "erin")
    try:
        for payload, complaint in [
            ("not json", "must be JSON"),
            ("[1, 2]", "JSON object"),
            ('{"limit": 0}', "'limit'"),
            ('{"limit": 101}', "'limit'"),
            ('{"before": "abc"}', "'before'"),
        ]:
            with pytest.raises(rtc.RpcError) as raised:
                await _history(erin, payload)
            assert raised.value.code == 400
            assert complaint in raised.value.message
    finally:
        await erin.aclose()
