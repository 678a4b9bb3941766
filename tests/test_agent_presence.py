"""Attendance: every join and leave is recorded with its time, rejoins included, and the room's
end closes whoever was still in it; each change is an event for the API's live updates."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from livekit import api

from db.events import events_after
from db.presence import Stay, attendance, stays
from tests.support.agent_room import join, seen_by_agent, stored
from tests.support.stack import RunningStack
from tests.support.waiting import eventually


async def _stays(stack: RunningStack, room: str) -> list[Stay]:
    async with stored(stack) as db:
        return await stays(db, room_name=room)


async def _stays_of(stack: RunningStack, room: str, identity: str) -> list[Stay]:
    return [s for s in await _stays(stack, room) if s.identity == identity]


async def test_join_leave_and_rejoin_are_recorded_with_times(
    stack: RunningStack, room_name: str
) -> None:
    started = datetime.now(UTC)
    alice = await join(stack, room_name, "alice")
    bob = await join(stack, room_name, "bob")
    try:
        await seen_by_agent(stack, room_name, "bob")
        await bob.aclose()

        async def bob_left() -> list[Stay] | None:
            mine = await _stays_of(stack, room_name, "bob")
            return mine if mine and mine[-1].left_at is not None else None

        [first] = await eventually(bob_left, within=15, what="bob's leave to be recorded")
        bob = await join(stack, room_name, "bob")

        async def bob_back() -> list[Stay] | None:
            mine = await _stays_of(stack, room_name, "bob")
            return mine if len(mine) == 2 and mine[1].left_at is None else None

        first, second = await eventually(bob_back, within=15, what="bob's rejoin to be recorded")
        now = datetime.now(UTC)
        assert first.display_name == "Bob"
        assert started - timedelta(seconds=1) <= first.joined_at < first.left_at <= now  # type: ignore[operator]
        assert first.left_at <= second.joined_at <= now  # type: ignore[operator]
        [alice_stay] = await _stays_of(stack, room_name, "alice")
        assert alice_stay.left_at is None

        async with stored(stack) as db:
            rows = {row.identity: row for row in await attendance(db, room_name=room_name)}
            events = await events_after(db, 0, topics=[f"room:{room_name}"])
        assert set(rows) == {"alice", "bob"}, "the agent itself is no attendee"
        assert rows["bob"].stays == 2 and rows["bob"].present
        assert rows["alice"].first_joined_at == alice_stay.joined_at
        assert rows["alice"].seconds_present >= rows["bob"].seconds_present > 0
        bob_events = [e.kind for e in events if json.loads(e.payload).get("identity") == "bob"]
        assert bob_events == ["presence.joined", "presence.left", "presence.joined"]
    finally:
        await alice.aclose()
        await bob.aclose()


async def test_the_end_of_the_room_closes_every_stay(stack: RunningStack, room_name: str) -> None:
    carol = await join(stack, room_name, "carol")
    dave = await join(stack, room_name, "dave")
    try:
        await seen_by_agent(stack, room_name, "dave")
        async with api.LiveKitAPI(
            stack.settings.http_url, stack.settings.api_key, stack.settings.api_secret
        ) as lkapi:
            await lkapi.room.delete_room(api.DeleteRoomRequest(room=room_name))

        async def all_closed() -> list[Stay] | None:
            everyone = await _stays(stack, room_name)
            return everyone if all(s.left_at is not None for s in everyone) else None

        everyone = await eventually(all_closed, within=15, what="every stay to be closed")
        assert {s.identity for s in everyone} == {"carol", "dave"}
        async with stored(stack) as db:
            rows = await attendance(db, room_name=room_name)
        assert not any(row.present for row in rows)
    finally:
        await carol.aclose()
        await dave.aclose()
