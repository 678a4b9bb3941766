"""Chat through the agent, against a real livekit-server and agent worker started for the run:

(a) persistence: from participant A's ``send_text`` to the row committed (visible to another
    process), beside the time the same message takes to reach participant B (LiveKit's own
    delivery, the floor), and their ratio;
(b) the chat throughput one room persists with zero loss;
(c) ``/define`` round trip, from sending the command to the reply received.

    scripts/loopback-netns.sh .venv/bin/python bench/agent_chat.py [--messages 300]
        [--engines sqlite,postgresql | --db URL]

By default it runs on both engines, one after the other: a new SQLite file, then a
PostgreSQL server of its own; ``--db`` names one empty database instead.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
import uuid
from contextlib import suppress
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from agent_stack import CommitClock, percentile, running_stack, summary

from colearn.wire import AGENT_IDENTITY
from db import Database
from db.chat import message_count
from tests.support.agent_room import Person, join
from tests.support.chat_client import send_chat
from tests.support.postgres import postgres_server
from tests.support.stack import RunningStack
from tests.support.waiting import eventually

SENDERS = 8
IN_FLIGHT = 4
WORDS = [
    "river", "went", "break the ice", "recieve", "children", "happily", "look up",
    "serendipity", "definately", "mountains", "took", "give up", "beautifull", "ran",
]  # fmt: skip


async def persistence(stack: RunningStack, messages: int, gap_s: float) -> None:
    room = f"bench-chat-{uuid.uuid4().hex[:8]}"
    alice, bob = await join(stack, room, "alice"), await join(stack, room, "bob")
    warmup = 10
    try:
        with CommitClock(stack.db_url, room) as clock:
            sent: dict[str, float] = {}
            for n in range(messages + warmup):
                started = time.perf_counter()
                stream_id = await send_chat(alice.rtc.room, f"Message {n}: how was your week?")
                if n >= warmup:
                    sent[stream_id] = started
                await asyncio.sleep(gap_s)
            with suppress(AssertionError):  # whatever has not arrived by then is reported
                await eventually(
                    lambda: (
                        set(sent) <= clock.seen.keys()
                        and set(sent) <= {m.stream_id for m in bob.inbox.messages}
                    ),
                    within=10,
                )
        arrived = {m.stream_id: m.at for m in bob.inbox.messages}
        stored = [clock.seen[i] - t for i, t in sent.items() if i in clock.seen]
        delivered = [arrived[i] - t for i, t in sent.items() if i in arrived]
        print(f"(a) chat persistence, {messages} messages one every {gap_s * 1000:.0f} ms")
        print("   ", summary("send_text -> row committed (agent)", stored))
        print("   ", summary("send_text -> received by B (LiveKit)", delivered))
        for q, label in ((0.5, "p50"), (0.99, "p99")):
            ratio = percentile(stored, q) / percentile(delivered, q)
            print(f"    ratio committed / delivered, {label}: {ratio:5.2f}")
        print(f"    not stored: {len(sent) - len(stored)}")
    finally:
        await alice.aclose()
        await bob.aclose()


async def send_paced(sender: Person, rate: float, count: int, started: float) -> None:
    """``count`` messages at ``rate`` a second, or as fast as the client manages with a few
    in flight at once (a send waits for its stream to be acknowledged)."""
    in_flight = asyncio.Semaphore(IN_FLIGHT)

    async def one(n: int) -> None:
        try:
            await send_chat(sender.rtc.room, f"{sender.identity} #{n}: a line of chat")
        finally:
            in_flight.release()

    tasks = []
    for n in range(count):
        delay = started + n / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        await in_flight.acquire()
        tasks.append(asyncio.create_task(one(n)))
    await asyncio.gather(*tasks)


async def throughput(stack: RunningStack, rates: list[int], seconds: float) -> None:
    room = f"bench-rate-{uuid.uuid4().hex[:8]}"
    senders = [await join(stack, room, f"sender-{n}") for n in range(SENDERS)]
    print(f"(b) sustained chat throughput, one room, {len(senders)} senders, {seconds:g} s each")
    db = await Database.open(stack.db_url, run_migrations=False)
    try:
        total = 0
        for rate in rates:
            share = int(rate * seconds) // len(senders)
            count = share * len(senders)
            started = time.perf_counter()
            await asyncio.gather(
                *(send_paced(s, rate / len(senders), share, started) for s in senders)
            )
            sent_in = time.perf_counter() - started
            total += count
            drained_at = None
            deadline = time.perf_counter() + 15
            while time.perf_counter() < deadline:
                if await message_count(db, room) >= total:
                    drained_at = time.perf_counter()
                    break
                await asyncio.sleep(0.02)
            stored = await message_count(db, room)
            lost = total - stored
            lag = f"{(drained_at - started - sent_in) * 1000:6.0f} ms" if drained_at else "never"
            print(
                f"    offered {rate:5d}/s, sent {count / sent_in:6.0f}/s: {lost} lost;"
                f" last stored {lag} after the last was sent"
            )
            await asyncio.sleep(1)
    finally:
        await db.aclose()
        for sender in senders:
            await sender.aclose()


async def define_round_trip(stack: RunningStack, rounds: int) -> None:
    room = f"bench-define-{uuid.uuid4().hex[:8]}"
    people = [await join(stack, room, f"learner-{n}") for n in range(4)]
    times: list[float] = []

    async def ask(person: Person, word: str) -> None:
        before = len(person.inbox.from_sender(AGENT_IDENTITY))
        started = time.perf_counter()
        await send_chat(person.rtc.room, f"/define {word}")
        reply = await person.inbox.next_from(AGENT_IDENTITY, after=before, within=10)
        times.append(reply.at - started)

    try:
        for n in range(rounds):
            round_started = time.monotonic()
            await asyncio.gather(
                *(ask(p, WORDS[(n * len(people) + i) % len(WORDS)]) for i, p in enumerate(people))
            )
            # one command a second per participant is within the agent's rate limit
            await asyncio.sleep(max(0.0, 1.05 - (time.monotonic() - round_started)))
        print(f"(c) /define round trip, {len(people)} learners asking at once")
        print("   ", summary("send -> reply received", times))
    finally:
        for person in people:
            await person.aclose()


async def run(
    messages: int, gap_ms: float, rates: list[int], rounds: int, db_url: str | None
) -> None:
    with running_stack(db_url) as stack:
        await persistence(stack, messages, gap_ms / 1000)
        await throughput(stack, rates, seconds=5)
        await define_round_trip(stack, rounds)


async def main(args: argparse.Namespace) -> None:
    if args.db is not None:
        await run(args.messages, args.gap_ms, args.rates, args.rounds, args.db)
        return
    for engine in args.engines.split(","):
        print(f"== {engine}")
        if engine == "sqlite":
            await run(args.messages, args.gap_ms, args.rates, args.rounds, None)
            continue
        # durable as SQLite's WAL with synchronous=NORMAL (fsync on, commits not waited for)
        with postgres_server(("synchronous_commit=off",)) as server:
            url = server.new_database(migrated=False, socket=True)
            await run(args.messages, args.gap_ms, args.rates, args.rounds, url)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=300)
    parser.add_argument("--gap-ms", type=float, default=30)
    parser.add_argument(
        "--rates", type=lambda s: [int(r) for r in s.split(",")], default=[300, 600, 1000]
    )
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--db", default=None, help="one database URL instead of --engines")
    parser.add_argument(
        "--engines", default="sqlite,postgresql", help="comma-separated; each on a new database"
    )
    asyncio.run(main(parser.parse_args()))
