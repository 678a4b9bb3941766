"""(e) ``kill -9`` of an agent worker while its rooms chat: how long until every room has the
agent again, and how many messages sent meanwhile are lost (nobody stores a message sent to
a room without an agent: LiveKit keeps no chat).

Two cases: the only worker is killed and started again at once (a supervisor restarting
it), and one of two running workers is killed (the other takes its rooms over).

    scripts/loopback-netns.sh .venv/bin/python bench/agent_crash.py [--rooms 10] [--rate 10]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from agent_stack import running_stack
from livekit import api

from colearn.processes import Service
from colearn.wire import AGENT_IDENTITY
from db.agent_rooms import holder
from db.chat import messages_after
from tests.support.agent_room import Person, join, stored
from tests.support.chat_client import send_chat
from tests.support.stack import RunningStack

CHATTING_BEFORE_S = 3.0
CHATTING_AFTER_S = 5.0
BACK_WITHIN_S = 60.0


@dataclass
class ChattyRoom:
    name: str
    people: list[Person]
    sent: dict[str, float] = field(default_factory=dict)  # message id -> when it was sent
    old_agent: str | None = None
    back_after: float | None = None

    async def agent_sid(self, lkapi: api.LiveKitAPI) -> str | None:
        """The agent in the room as livekit-server has it (participants hear of an agent up to
        3 s late: the server batches news of participants that publish no track)."""
        listed = await lkapi.room.list_participants(api.ListParticipantsRequest(room=self.name))
        return next((p.sid for p in listed.participants if p.identity == AGENT_IDENTITY), None)

    async def chat(self, rate: float, stop: asyncio.Event) -> None:
        n = 0
        while not stop.is_set():
            started = time.perf_counter()
            self.sent[await send_chat(self.people[n % 2].rtc.room, f"line {n}")] = started
            n += 1
            await asyncio.sleep(1 / rate)

    async def watch_agent(self, lkapi: api.LiveKitAPI, killed_at: float) -> None:
        while await self.agent_sid(lkapi) in (None, self.old_agent):
            if time.perf_counter() - killed_at > BACK_WITHIN_S:
                return
            await asyncio.sleep(0.05)
        self.back_after = time.perf_counter() - killed_at

    async def stored_ids(self, stack: RunningStack) -> set[str]:
        async with stored(stack) as db:
            messages = await messages_after(db, room_name=self.name, limit=1_000_000)
        return {m.message_id for m in messages}

    def kept_again_after(self, stored: set[str], killed_at: float) -> float | None:
        """From the kill to the first message sent after it that was stored."""
        after = [t for i, t in self.sent.items() if t > killed_at and i in stored]
        return min(after) - killed_at if after else None

    async def aclose(self) -> None:
        for person in self.people:
            await person.aclose()


async def open_rooms(stack: RunningStack, count: int, label: str) -> list[ChattyRoom]:
    rooms = []
    for _ in range(count):
        name = f"bench-{label}-{uuid.uuid4().hex[:8]}"
        people = [await join(stack, name, f"{who}-{name[-8:]}") for who in ("ann", "ben")]
        rooms.append(ChattyRoom(name, people))
    return rooms


async def held_by(
    stack: RunningStack, rooms: list[ChattyRoom], worker: Service
) -> list[ChattyRoom]:
    async with stored(stack) as db:
        holders = {room.name: await holder(db, room.name) for room in rooms}
    return [r for r in rooms if (holders[r.name] or "").endswith(f"-{worker.pid}")]


async def crash(
    stack: RunningStack,
    rooms: list[ChattyRoom],
    workers: list[Service],
    rate: float,
    restart: bool,
) -> tuple[list[ChattyRoom], float, float | None]:
    """Kill the worker holding most rooms while every room chats; returns the rooms it held,
    when it was killed and, if restarted, how long the new worker took to register."""
    held = [await held_by(stack, rooms, worker) for worker in workers]
    affected = max(held, key=len)
    victim = workers[held.index(affected)]
    stop = asyncio.Event()
    chatter = [asyncio.create_task(room.chat(rate, stop)) for room in rooms]
    async with api.LiveKitAPI(
        stack.settings.http_url, stack.settings.api_key, stack.settings.api_secret
    ) as lkapi:
        await asyncio.sleep(CHATTING_BEFORE_S)
        for room in affected:
            room.old_agent = await room.agent_sid(lkapi)
        killed_at = time.perf_counter()
        victim.kill()
        watchers = [asyncio.create_task(room.watch_agent(lkapi, killed_at)) for room in affected]
        registered_after = None
        if restart:
            await asyncio.to_thread(stack.start_agent)
            registered_after = time.perf_counter() - killed_at
        await asyncio.gather(*watchers)
    await asyncio.sleep(CHATTING_AFTER_S)
    stop.set()
    await asyncio.gather(*chatter)
    await asyncio.sleep(2)  # the last messages reach the database
    victim.stop()
    if stack.agent is victim:
        stack.agent = next(w for w in workers if w is not victim)
    return affected, killed_at, registered_after


async def report(
    stack: RunningStack,
    label: str,
    rooms: list[ChattyRoom],
    affected: list[ChattyRoom],
    killed_at: float,
) -> None:
    stored = {room.name: await room.stored_ids(stack) for room in rooms}
    sent = sum(len(room.sent) for room in rooms)
    lost = sum(len(room.sent.keys() - stored[room.name]) for room in rooms)
    back = [r.back_after for r in affected if r.back_after is not None]
    kept = [r.kept_again_after(stored[r.name], killed_at) for r in affected]
    print(f"    {label}:")
    if back:
        print(
            f"      {len(affected)} rooms lost their agent; it was back in every one after"
            f" {max(back):.1f} s (median {statistics.median(back):.1f} s)"
        )
    if len(back) < len(affected):
        print(f"      {len(affected) - len(back)} rooms had no agent after {BACK_WITHIN_S:.0f} s")
    if kept and None not in kept:
        times = [k for k in kept if k is not None]
        print(
            f"      chat stored again after {max(times):.1f} s at most"
            f" (median {statistics.median(times):.1f} s)"
        )
    print(f"      messages lost: {lost} of {sent} sent in all rooms")


async def main(room_count: int, rate: float) -> None:
    print(f"(e) kill -9 of an agent worker, {room_count} rooms chatting {rate:g} messages/s each")
    with running_stack() as stack:
        assert stack.agent is not None
        rooms = await open_rooms(stack, room_count, "restart")
        try:
            affected, killed_at, registered = await crash(
                stack, rooms, [stack.agent], rate, restart=True
            )
            assert registered is not None
            label = f"the only worker, restarted at once (registered after {registered:.1f} s)"
            await report(stack, label, rooms, affected, killed_at)
        finally:
            for room in rooms:
                await room.aclose()

        first = stack.agent
        assert first is not None
        second = await asyncio.to_thread(stack.start_agent)
        rooms = await open_rooms(stack, room_count, "takeover")
        try:
            affected, killed_at, _ = await crash(stack, rooms, [first, second], rate, restart=False)
            label = "one of two workers, the other takes over"
            await report(stack, label, rooms, affected, killed_at)
        finally:
            for room in rooms:
                await room.aclose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rooms", type=int, default=10)
    parser.add_argument("--rate", type=float, default=10.0)
    args = parser.parse_args()
    asyncio.run(main(args.rooms, args.rate))
