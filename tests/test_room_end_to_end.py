"""Two people in a room with the real livekit-server: audio both ways, and the agent joins."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

from livekit import api

from api.room_tokens import PARTICIPANT, room_token
from colearn.wire import AGENT_IDENTITY, AGENT_NAME
from tests.support.rtc_client import RtcParticipant
from tests.support.stack import RunningStack
from tests.support.waiting import eventually

AGENT_JOIN_LIMIT_S = 5.0


def _token(stack: RunningStack, room: str, identity: str) -> str:
    return room_token(
        stack.livekit_config,
        room=room,
        identity=identity,
        name=identity.title(),
        role=PARTICIPANT,
        ttl=timedelta(minutes=5),
    )


async def test_two_participants_hear_each_other_and_agent_joins(
    stack: RunningStack, room_name: str
) -> None:
    alice, bob = RtcParticipant("alice"), RtcParticipant("bob")
    try:
        started = time.monotonic()
        await alice.connect(stack.settings.ws_url, _token(stack, room_name, "alice"))
        await bob.connect(stack.settings.ws_url, _token(stack, room_name, "bob"))
        await alice.publish_tone(440)
        await bob.publish_tone(660)

        agent = await eventually(
            lambda: alice.room.remote_participants.get(AGENT_IDENTITY),
            within=AGENT_JOIN_LIMIT_S + 5,
            what="the agent to join",
        )
        agent_joined_after = time.monotonic() - started
        assert agent_joined_after < AGENT_JOIN_LIMIT_S, f"agent took {agent_joined_after:.1f} s"
        assert agent.name == AGENT_NAME

        await eventually(
            lambda: alice.audio_frames_from.get("bob", 0) > 20, within=15, what="alice to hear bob"
        )
        await eventually(
            lambda: bob.audio_frames_from.get("alice", 0) > 20, within=15, what="bob to hear alice"
        )
        assert stack.agent is not None
        # the agent logs everyone it finds on arrival and everyone who joins after it
        await asyncio.to_thread(
            stack.agent.wait_for_line, lambda line: f"{room_name}: bob" in line, 5
        )
    finally:
        await alice.aclose()
        await bob.aclose()


async def test_agent_leaves_when_the_room_ends(stack: RunningStack, room_name: str) -> None:
    carol = RtcParticipant("carol")
    try:
        await carol.connect(stack.settings.ws_url, _token(stack, room_name, "carol"))
        await eventually(
            lambda: carol.room.remote_participants.get(AGENT_IDENTITY),
            within=10,
            what="the agent to join",
        )
    finally:
        await carol.aclose()
    async with api.LiveKitAPI(
        stack.settings.http_url, stack.settings.api_key, stack.settings.api_secret
    ) as lkapi:
        await lkapi.room.delete_room(api.DeleteRoomRequest(room=room_name))
    assert stack.agent is not None
    await asyncio.to_thread(
        stack.agent.wait_for_line, lambda line: f"agent left room {room_name}" in line, 15
    )
