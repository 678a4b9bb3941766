"""One agent worker holding many rooms: memory and idle CPU, and whether it still takes more.

(d) 50 rooms with 3 participants each (chat-only clients, as most learners' phones are
before they unmute), then a 51st room: does the agent still arrive and store its chat?

    scripts/loopback-netns.sh .venv/bin/python bench/agent_rooms.py [--rooms 50] [--people 3]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from agent_memory import rss_mb
from agent_stack import cpu_seconds, running_stack

from db.chat import messages_after
from tests.support.agent_room import Person, join, stored
from tests.support.chat_client import send_chat
from tests.support.stack import RunningStack
from tests.support.waiting import eventually

IDLE_WINDOW_S = 10.0
# 2 cores: dozens of ICE handshakes at once time out
JOINING_AT_ONCE = 4


async def fill_room(stack: RunningStack, gate: asyncio.Semaphore, people: int) -> list[Person]:
    room = f"bench-room-{uuid.uuid4().hex[:8]}"
    async with gate:
        return [await join(stack, room, f"p{n}-{room[-8:]}") for n in range(people)]


async def one_more_room(stack: RunningStack) -> float:
    """Seconds from joining a new room to the agent storing a message sent there."""
    room = f"bench-extra-{uuid.uuid4().hex[:8]}"
    started = time.perf_counter()
    person = await join(stack, room, "latecomer")
    try:
        await send_chat(person.rtc.room, "Is anyone here?")

        async def stored_one() -> bool:
            async with stored(stack) as db:
                return bool(await messages_after(db, room_name=room))

        await eventually(stored_one, within=30, what="the new room's chat stored")
        return time.perf_counter() - started
    finally:
        await person.aclose()


async def main(rooms: int, people: int) -> None:
    with running_stack() as stack:
        assert stack.agent is not None
        pid = stack.agent.pid
        everyone: list[Person] = []
        try:
            await asyncio.sleep(2)
            idle_empty = rss_mb(pid)
            started = time.perf_counter()
            gate = asyncio.Semaphore(JOINING_AT_ONCE)
            for group in await asyncio.gather(
                *(fill_room(stack, gate, people) for _ in range(rooms))
            ):
                everyone.extend(group)
            filled_in = time.perf_counter() - started
            await asyncio.sleep(3)
            cpu_before, wall_before = cpu_seconds(pid), time.perf_counter()
            await asyncio.sleep(IDLE_WINDOW_S)
            cpu = (cpu_seconds(pid) - cpu_before) / (time.perf_counter() - wall_before)
            full = rss_mb(pid)
            extra = await one_more_room(stack)
            print(f"(d) one agent worker, {rooms} rooms x {people} participants")
            print(f"    worker RSS, no rooms:                 {idle_empty:7.0f} MB")
            print(f"    worker RSS, {rooms} rooms:                 {full:7.0f} MB")
            print(
                f"    per room:                             {(full - idle_empty) / rooms:7.1f} MB"
            )
            print(f"    worker CPU while the rooms idle:      {cpu * 100:7.1f} % of one core")
            print(f"    {rooms} rooms filled in {filled_in:.0f} s, {JOINING_AT_ONCE} at a time")
            print(f"    room {rooms + 1}: agent there and chat stored {extra:.1f} s after joining")
        finally:
            for person in everyone:
                await person.aclose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rooms", type=int, default=50)
    parser.add_argument("--people", type=int, default=3)
    args = parser.parse_args()
    asyncio.run(main(args.rooms, args.people))
