"""Memory of one agent worker holding 1 and then 20 rooms (one participant each).

Starts its own livekit-server and agent worker on free loopback ports, prints figures:
    .venv/bin/python bench/agent_memory.py [--rooms 20]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from api.room_tokens import PARTICIPANT, room_token
from colearn.wire import AGENT_IDENTITY
from db import migrate
from tests.support.ports import free_ports
from tests.support.rtc_client import RtcParticipant
from tests.support.stack import new_stack
from tests.support.waiting import eventually


def rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants, in MB."""
    total = 0
    pids = [pid]
    while pids:
        current = pids.pop()
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
            for task in Path(f"/proc/{current}/task").iterdir():
                pids.extend(int(c) for c in (task / "children").read_text().split())
        except OSError:
            continue
    return total / 1024


async def open_room(stack, name: str) -> RtcParticipant:  # type: ignore[no-untyped-def]
    person = RtcParticipant(f"p-{name}")
    token = room_token(
        stack.livekit_config,
        room=name,
        identity=person.identity,
        name=person.identity,
        role=PARTICIPANT,
        ttl=timedelta(minutes=30),
    )
    await person.connect(stack.settings.ws_url, token)
    await eventually(
        lambda: person.room.remote_participants.get(AGENT_IDENTITY),
        within=30,
        what=f"agent in {name}",
    )
    return person


async def main(rooms: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        stack = new_stack(free_ports(4), Path(tmp))
        migrate(stack.db_url)
        stack.start_livekit()
        agent = stack.start_agent()
        people: list[RtcParticipant] = []
        try:
            await asyncio.sleep(2)
            idle = rss_mb(agent.pid)
            people.append(await open_room(stack, f"bench-{uuid.uuid4().hex[:6]}"))
            await asyncio.sleep(3)
            one = rss_mb(agent.pid)
            started = time.monotonic()
            gate = asyncio.Semaphore(4)  # 2 cores: dozens of ICE handshakes at once time out

            async def gated() -> RtcParticipant:
                async with gate:
                    return await open_room(stack, f"bench-{uuid.uuid4().hex[:6]}")

            people += await asyncio.gather(*(gated() for _ in range(rooms - 1)))
            joined_in = time.monotonic() - started
            await asyncio.sleep(3)
            many = rss_mb(agent.pid)
            print(f"agent worker RSS, idle:          {idle:7.1f} MB")
            print(f"agent worker RSS, 1 room:        {one:7.1f} MB")
            print(f"agent worker RSS, {rooms} rooms:      {many:7.1f} MB")
            print(f"per additional room:             {(many - one) / max(rooms - 1, 1):7.1f} MB")
            print(f"{rooms - 1} more rooms (4 opening at once) had the agent in {joined_in:.1f} s")
        finally:
            for person in people:
                await person.aclose()
            stack.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rooms", type=int, default=20)
    asyncio.run(main(parser.parse_args().rooms))
