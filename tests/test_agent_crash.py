"""A worker killed mid-session: its rooms get the agent back within seconds, whether another
worker is running or one is restarted, and no chat message is stored twice."""

from __future__ import annotations

import asyncio
import time

from agents.redispatch import NEW_ROOM_GRACE_MS
from colearn.processes import Service
from colearn.wire import AGENT_IDENTITY
from db.agent_rooms import holder
from db.chat import StoredMessage, messages_after
from db.presence import stays
from tests.support.agent_room import Person, join, stored
from tests.support.chat_client import send_both_forms, send_legacy_chat
from tests.support.stack import RunningStack
from tests.support.waiting import eventually

# A dead worker's rooms are noticed after 3 s of silence, then dispatched and joined.
BACK_WITHIN_S = 10.0


async def _messages(stack: RunningStack, room: str) -> list[StoredMessage]:
    async with stored(stack) as db:
        return await messages_after(db, room_name=room)


async def _stored_ids(stack: RunningStack, room: str, ids: list[str]) -> list[StoredMessage]:
    async def all_there() -> list[StoredMessage] | None:
        messages = await _messages(stack, room)
        return messages if set(ids) <= {m.message_id for m in messages} else None

    return await eventually(all_there, within=15, what=f"{len(ids)} messages stored")


def _agent_sid(person: Person) -> str | None:
    agent = person.rtc.room.remote_participants.get(AGENT_IDENTITY)
    return agent.sid if agent is not None else None


async def _new_agent(person: Person, old_sid: str | None) -> float:
    """Seconds until an agent other than ``old_sid`` is in the room (the dead one stays
    listed for a while: livekit-server notices it is gone only after about 20 s)."""
    started = time.monotonic()
    await eventually(
        lambda: _agent_sid(person) not in (None, old_sid),
        within=BACK_WITHIN_S + 20,
        what="a new agent in the room",
    )
    return time.monotonic() - started


async def _holder_pid(stack: RunningStack, room: str) -> int:
    async with stored(stack) as db:
        worker = await holder(db, room)
    assert worker is not None
    return int(worker.rsplit("-", 1)[1])


async def test_killed_and_restarted_worker_stores_no_message_twice(
    stack: RunningStack, room_name: str
) -> None:
    alice = await join(stack, room_name, "alice")
    bob = await join(stack, room_name, "bob")
    killed = stack.agent
    assert killed is not None
    try:
        before = [await send_both_forms(alice.rtc.room, f"before {n}") for n in range(5)]
        await _stored_ids(stack, room_name, before)
        old_agent = _agent_sid(alice)

        killed.kill()
        gap = [await send_both_forms(bob.rtc.room, f"meanwhile {n}") for n in range(3)]
        await asyncio.to_thread(stack.start_agent)
        back_after = await _new_agent(alice, old_agent)

        after = [await send_both_forms(alice.rtc.room, f"after {n}") for n in range(5)]
        # a client that sends a message again after the restart
        await send_legacy_chat(alice.rtc.room, "before 0", before[0])
        messages = await _stored_ids(stack, room_name, before + after)
        await asyncio.sleep(1)
        messages = await _messages(stack, room_name)

        ids = [m.message_id for m in messages]
        assert len(ids) == len(set(ids)), "a message stored twice"
        assert set(ids) <= set(before + gap + after)
        assert [m.body for m in messages if m.message_id in before + after] == [
            *(f"before {n}" for n in range(5)),
            *(f"after {n}" for n in range(5)),
        ]
        assert back_after < BACK_WITHIN_S, f"the agent came back after {back_after:.1f} s"

        # Both were there all along: one stay each, still open, not a new one per agent.
        async with stored(stack) as db:
            everyone = await stays(db, room_name=room_name)
        assert sorted((s.identity, s.left_at) for s in everyone) == [
            ("alice", None),
            ("bob", None),
        ]
    finally:
        killed.stop()  # reaps it and closes its output pipe
        if stack.agent is killed:
            await asyncio.to_thread(stack.start_agent)
        await alice.aclose()
        await bob.aclose()


async def test_another_running_worker_takes_over_a_dead_workers_room(
    stack: RunningStack, room_name: str
) -> None:
    first = stack.agent
    assert first is not None
    second = await asyncio.to_thread(stack.start_agent)
    workers: dict[int, Service] = {first.pid: first, second.pid: second}
    carol = await join(stack, room_name, "carol")
    try:
        dead = workers.pop(await _holder_pid(stack, room_name))
        survivor = next(iter(workers.values()))
        old_agent = _agent_sid(carol)
        dead.kill()
        back_after = await _new_agent(carol, old_agent)
        assert back_after < BACK_WITHIN_S, f"the agent came back after {back_after:.1f} s"
        assert await _holder_pid(stack, room_name) == survivor.pid

        message_id = await send_both_forms(carol.rtc.room, "Are you back?")
        [message] = await _stored_ids(stack, room_name, [message_id])
        assert message.body == "Are you back?"
    finally:
        # One worker stays for the tests that follow (two would split their rooms).
        stack.agent = next((w for w in (first, second) if w.running()), None)
        for worker in (first, second):
            if worker is not stack.agent:
                worker.stop()
        if stack.agent is None:
            await asyncio.to_thread(stack.start_agent)
        await carol.aclose()


async def test_a_room_created_while_no_worker_runs_gets_the_agent_when_one_registers(
    stack: RunningStack, room_name: str
) -> None:
    killed = stack.agent
    assert killed is not None
    killed.kill()
    dana = await join(stack, room_name, "dana", wait_for_agent=False)
    try:
        await asyncio.to_thread(stack.start_agent)
        await eventually(
            lambda: dana.rtc.room.remote_participants.get(AGENT_IDENTITY),
            within=NEW_ROOM_GRACE_MS / 1000 + BACK_WITHIN_S,
            what="an agent in the room created while no worker ran",
        )
        message_id = await send_both_forms(dana.rtc.room, "Hello? Anyone?")
        [message] = await _stored_ids(stack, room_name, [message_id])
        assert message.sender_identity == "dana"
    finally:
        killed.stop()
        if stack.agent is killed:
            await asyncio.to_thread(stack.start_agent)
        await dana.aclose()
