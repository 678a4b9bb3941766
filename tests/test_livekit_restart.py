"""livekit-server restarted mid-session: the agent is back in every live room, the people
reconnect, chat and presence go on.

One node, no Redis: livekit-server keeps its rooms in memory only, so a restart ends every
room. Each LiveKit SDK client (and each agent job) first tries to resume, then joins again
from scratch, which makes the room anew on the restarted server. Three rooms of two people
chat through our client's protocol (``ChatOutbox``: keep each message until the agent
acknowledges it by id, send it again once an agent is back). The server is restarted twice
on the same ports, the people chatting all along:

1. SIGTERM, as an operator's stop: livekit-server drains (refuses new connections, goes on
   serving its rooms), so it is killed 2 s later, as a service manager kills what outlives
   its stop timeout; down 1.5 s. The agent jobs' SDK rejoins by itself.
2. ``kill -9``, down 6 s: longer than an agent job waits to reconnect
   (``agents.room_lease.RECONNECT_GIVE_UP_S``), so every room needs a fresh agent
   dispatched. Meanwhile one person leaves for good (no one saw them go) and, after the
   restart, someone new arrives.

Asserted with counts: exactly one agent in every room (and the worker runs exactly one job
per room), every message the SDK took from a person stored exactly once and served by the
history RPC, presence equal to the room's real participant list. How long each room was
without its agent after each restart is printed.
"""

from __future__ import annotations

import asyncio
import json
import signal
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from itertools import pairwise

import aiohttp
import pytest
from livekit import api, rtc

from agents.room_lease import RECONNECT_GIVE_UP_S
from colearn.wire import AGENT_IDENTITY, HISTORY_RPC_METHOD
from db.chat import messages_after
from db.presence import stays
from tests.support.agent_room import Person, join, seen_by_agent, stored
from tests.support.chat_client import ChatOutbox
from tests.support.ports import free_ports
from tests.support.stack import RunningStack, new_stack
from tests.support.waiting import eventually

ROOMS = 3
PER_PHASE = 4  # messages each person sends between the restarts
SEND_EVERY_S = 0.25  # while the server drains or is down, each person keeps trying to chat
SEND_TIMEOUT_S = 5.0
DRAIN_S = 2.0
DOWN_AFTER_TERM_S = 1.5
DOWN_AFTER_KILL_S = RECONNECT_GIVE_UP_S + 1.0
BACK_WITHIN_S = 30.0
RESTARTS = 2


@pytest.fixture(scope="module")
def agent_metrics_port() -> int:
    return free_ports(1)[0]


@pytest.fixture(scope="module")
def stack(
    tmp_path_factory: pytest.TempPathFactory,
    new_db_url: Callable[..., str],
    agent_metrics_port: int,
) -> Iterator[RunningStack]:
    """A stack of this module's own: its livekit-server is the one restarted."""
    running = new_stack(free_ports(4), tmp_path_factory.mktemp("restart"), new_db_url())
    try:
        running.start_livekit()
        running.start_agent(extra_env={"COLEARN_AGENT_HTTP_PORT": str(agent_metrics_port)})
        yield running
    finally:
        running.stop()


class Talker:
    """A person chatting through our client's protocol; counts what the SDK refused."""

    def __init__(self, person: Person) -> None:
        self.person = person
        self.outbox = ChatOutbox(person.rtc.room)
        self.sent: list[str] = []  # ids of the messages the SDK took
        self.tried: list[str] = []  # every text this person tried to send
        # sends the SDK refused or had not finished within SEND_TIMEOUT_S: the person saw an
        # error (some of these went out after all: stored once, never twice)
        self.refused = 0
        self.left = False

    @property
    def identity(self) -> str:
        return self.person.identity

    async def say(self, text: str) -> None:
        if self.left:
            return
        self.tried.append(text)
        try:
            self.sent.append(await asyncio.wait_for(self.outbox.send(text), SEND_TIMEOUT_S))
        except Exception:
            self.refused += 1

    def kept(self) -> list[str]:
        """What this person sent and the store owes them: everything, unless they left
        with messages still waiting for an agent (their page is gone, and those with it)."""
        if not self.left:
            return list(self.sent)
        return [i for i in self.sent if i in self.outbox.acknowledged]

    async def leave(self) -> None:
        self.left = True
        await self.aclose()

    async def aclose(self) -> None:
        await self.outbox.aclose()
        await self.person.aclose()


class Chatter:
    """Everyone keeps chatting in the background, each message a task of its own (a send
    can wait seconds while the SDK reconnects)."""

    def __init__(self, talkers: list[Talker], phase: str) -> None:
        self._talkers = talkers
        self._sends: list[asyncio.Task[None]] = []
        self._task = asyncio.create_task(self._run(phase))

    async def _run(self, phase: str) -> None:
        n = 0
        while True:
            for t in self._talkers:
                self._sends.append(asyncio.create_task(t.say(f"{t.identity} {phase} {n}")))
            n += 1
            await asyncio.sleep(SEND_EVERY_S)

    async def stop(self) -> None:
        self._task.cancel()
        await asyncio.gather(self._task, *self._sends, return_exceptions=True)


def _agent_sid(person: Person) -> str | None:
    agent = person.rtc.room.remote_participants.get(AGENT_IDENTITY)
    return agent.sid if agent is not None else None


async def _participants(stack: RunningStack, room: str) -> list[str]:
    async with api.LiveKitAPI(
        stack.settings.http_url, stack.settings.api_key, stack.settings.api_secret
    ) as lkapi:
        listed = await lkapi.room.list_participants(api.ListParticipantsRequest(room=room))
    return sorted(p.identity for p in listed.participants)


async def _rooms_held(port: int) -> int:
    async with aiohttp.ClientSession() as http:
        async with http.get(f"http://127.0.0.1:{port}/metrics") as response:
            text = await response.text()
    [line] = [x for x in text.splitlines() if x.startswith("colearn_agent_rooms_held ")]
    return int(float(line.split()[1]))


async def _history(person: Person) -> list[str]:
    """Every message id the history RPC serves, oldest first, page by page."""
    ids: list[str] = []
    before: int | None = None
    while True:
        request: dict[str, int] = {"limit": 100}
        if before is not None:
            request["before"] = before
        response = json.loads(
            await person.rtc.room.local_participant.perform_rpc(
                destination_identity=AGENT_IDENTITY,
                method=HISTORY_RPC_METHOD,
                payload=json.dumps(request),
            )
        )
        ids = [m["message_id"] for m in response["messages"]] + ids
        before = response["before"]
        if before is None:
            return ids


async def _say_and_settle(talkers: list[Talker], phase: str) -> None:
    for n in range(PER_PHASE):
        await asyncio.gather(*(t.say(f"{t.identity} {phase} {n}") for t in talkers))
    await eventually(
        lambda: all(not t.outbox.pending for t in talkers),
        within=BACK_WITHIN_S,
        what=f"every message of phase {phase} acknowledged",
    )


async def _agents_back(
    talkers: dict[str, list[Talker]], old: dict[str, str | None], since: float
) -> dict[str, float]:
    """Seconds from ``since`` until everyone in each room is connected with an agent that
    is not the one from before the restart."""
    back: dict[str, float] = {}

    async def one(room: str) -> None:
        await eventually(
            lambda: all(
                t.person.rtc.room.connection_state == rtc.ConnectionState.CONN_CONNECTED
                and _agent_sid(t.person) not in (None, old[room])
                for t in talkers[room]
                if not t.left
            ),
            within=BACK_WITHIN_S,
            what=f"the agent back in {room}",
        )
        back[room] = time.monotonic() - since

    await asyncio.gather(*(one(room) for room in talkers))
    return back


async def test_livekit_server_restarted_twice_mid_session(
    stack: RunningStack, agent_metrics_port: int
) -> None:
    livekit = stack.livekit
    assert livekit is not None
    tag = uuid.uuid4().hex[:6]
    rooms = [f"t-lk-restart-{tag}-{n}" for n in range(ROOMS)]
    talkers: dict[str, list[Talker]] = {}
    figures: list[str] = []

    async def fill(n: int, room: str) -> None:
        people = [await join(stack, room, f"p{n}{who}") for who in "ab"]
        for person in people:
            await seen_by_agent(stack, room, person.identity)
        talkers[room] = [Talker(person) for person in people]

    try:
        await asyncio.gather(*(fill(n, room) for n, room in enumerate(rooms)))
        everyone = [t for room in rooms for t in talkers[room]]
        await _say_and_settle(everyone, "before")

        # 1. SIGTERM: livekit-server drains, chat goes on; killed after DRAIN_S, down a while
        old = {room: _agent_sid(talkers[room][0].person) for room in rooms}
        before = {t.identity: (len(t.sent), t.refused) for t in everyone}
        chatter = Chatter(everyone, "draining")
        livekit.send_signal(signal.SIGTERM)
        await asyncio.sleep(DRAIN_S)
        await chatter.stop()
        while_draining = [i for t in everyone for i in t.sent[before[t.identity][0] :]]
        await eventually(
            lambda: set(while_draining) <= {i for t in everyone for i in t.outbox.acknowledged},
            within=5,
            what="the messages sent while livekit-server drains, acknowledged",
        )
        assert livekit.running(), "livekit-server drains while people are in its rooms"
        assert all(t.refused == before[t.identity][1] for t in everyone)
        figures.append(f"SIGTERM: {len(while_draining)} messages sent and stored while draining")
        chatter = Chatter(everyone, "down-1")
        await asyncio.to_thread(livekit.kill)
        await asyncio.sleep(DOWN_AFTER_TERM_S)
        await asyncio.to_thread(stack.start_livekit)
        restarted = time.monotonic()
        await chatter.stop()
        back = await _agents_back(talkers, old, restarted)
        figures.append(
            "SIGTERM + kill: agent back " + ", ".join(f"{s:.1f}" for s in back.values()) + " s"
        )
        await _say_and_settle(everyone, "after-1")

        # 2. kill -9, down longer than an agent job waits; one person leaves meanwhile
        livekit = stack.livekit
        assert livekit is not None
        old = {room: _agent_sid(talkers[room][0].person) for room in rooms}
        chatter = Chatter(everyone, "down-2")
        await asyncio.to_thread(livekit.kill)
        await asyncio.sleep(DOWN_AFTER_KILL_S / 2)
        leaver = talkers[rooms[0]][1]
        await leaver.leave()
        await asyncio.sleep(DOWN_AFTER_KILL_S / 2)
        await asyncio.to_thread(stack.start_livekit)
        restarted = time.monotonic()
        await chatter.stop()
        back = await _agents_back(talkers, old, restarted)
        figures.append("kill -9: agent back " + ", ".join(f"{s:.1f}" for s in back.values()) + " s")
        newcomer = Talker(await join(stack, rooms[0], "p0c"))
        await seen_by_agent(stack, rooms[0], "p0c")
        talkers[rooms[0]].append(newcomer)
        everyone = [t for t in everyone if not t.left] + [newcomer]
        await _say_and_settle(everyone, "after-2")
        await asyncio.sleep(1.0)  # a late resend or legacy copy has landed

        # exactly one agent per room, and one job per room in the worker
        for room in rooms:
            assert (await _participants(stack, room)).count(AGENT_IDENTITY) == 1
        assert await _rooms_held(agent_metrics_port) == ROOMS

        for room in rooms:
            group = talkers[room]
            async with stored(stack) as db:
                messages = await messages_after(db, room_name=room, limit=10_000)
                everyone_stays = await stays(db, room_name=room)
            ids = Counter(m.message_id for m in messages)
            owed = [i for t in group for i in t.kept()]
            lost = set(owed) - set(ids)
            figures.append(
                f"{room}: {len(owed)} sent, {len(lost)} lost,"
                f" {sum(t.refused for t in group)} refused or unconfirmed by the SDK,"
                f" {sum(t.outbox.resent for t in group)} resent, {len(messages)} stored"
            )
            assert not lost, f"{len(lost)} messages lost in {room}"
            assert max(ids.values()) == 1, f"a message stored twice in {room}"
            # nothing stored twice even of what the SDK gave up on, nothing nobody sent
            bodies = Counter(m.body for m in messages)
            assert max(bodies.values()) == 1
            assert set(bodies) <= {text for t in group for text in t.tried}
            reader = next(t for t in group if not t.left)
            assert Counter(await _history(reader.person)) == ids

            # presence: who is really there, once each; nobody who left
            present = [p for p in await _participants(stack, room) if p != AGENT_IDENTITY]
            open_stays = sorted(s.identity for s in everyone_stays if s.left_at is None)
            assert open_stays == present
            # stays never overlap, and a restart splits a stay at most once: only for whom
            # the room made anew did not list yet when its agent arrived (their stay ends
            # when the agent last saw them, the next begins when they are back)
            for t in group:
                mine = [s for s in everyone_stays if s.identity == t.identity]
                assert 1 <= len(mine) <= 1 + RESTARTS
                for earlier, later in pairwise(mine):
                    assert earlier.left_at is not None and earlier.left_at <= later.joined_at
            figures.append(f"{room}: {len(everyone_stays)} stays of {len(group)} people")
            assert sorted(t.identity for t in group if not t.left) == present
    finally:
        print("\n" + "\n".join(figures))
        for group in talkers.values():
            for t in group:
                if not t.left:
                    await t.aclose()
