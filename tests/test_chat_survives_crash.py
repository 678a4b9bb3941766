"""kill -9 of the agent worker while people chat: a client that keeps what it sent until the
agent acknowledges it (ours: web/src/lib/chatOutbox.ts; the same protocol in
tests/support/chat_client.py's ``ChatOutbox``) loses nothing and has nothing stored twice;
a plain LiveKit client loses what it sent while no agent listened (counted, printed).
Presence afterwards is the room's real participant list: who left meanwhile has left, who
came meanwhile is there. And in Chromium, the page itself: a message typed while no agent
runs is stored once, after an agent is back."""

from __future__ import annotations

import asyncio
import time
from collections import Counter

import aiohttp
from playwright.async_api import Browser, expect

from colearn.wire import AGENT_IDENTITY
from db.chat import StoredMessage, messages_after
from db.presence import stays
from tests.support.agent_room import Person, join, seen_by_agent, stored
from tests.support.api_client import PASSWORD
from tests.support.browser import WebUser, browser, open_user  # noqa: F401  (a fixture)
from tests.support.chat_client import ChatOutbox, send_both_forms
from tests.support.stack import RunningStack
from tests.support.waiting import eventually
from tests.support.web_api import one_meeting, register

PER_PHASE = 40  # messages each sender sends before, during and after the agent's absence
GAP_PACE_S = 0.05


async def _messages(stack: RunningStack, room: str) -> list[StoredMessage]:
    async with stored(stack) as db:
        return await messages_after(db, room_name=room, limit=10_000)


def _agent_sid(person: Person) -> str | None:
    agent = person.rtc.room.remote_participants.get(AGENT_IDENTITY)
    return agent.sid if agent is not None else None


async def test_kill_9_of_the_agent_loses_no_message_our_client_sent(
    stack: RunningStack, room_name: str
) -> None:
    alice = await join(stack, room_name, "alice")  # our client's protocol
    bob = await join(stack, room_name, "bob")  # a plain LiveKit client
    carol = await join(stack, room_name, "carol")  # leaves while the agent is away
    for person in (alice, bob, carol):
        await seen_by_agent(stack, room_name, person.identity)
    outbox = ChatOutbox(alice.rtc.room)
    dave: Person | None = None
    killed = stack.agent
    assert killed is not None
    sent: dict[str, list[str]] = {"alice": [], "bob": []}
    gap_ids: list[str] = []

    async def both_say(phase: str) -> None:
        for n in range(PER_PHASE):
            sent["alice"].append(await outbox.send(f"alice {phase} {n}"))
            bob_id = await send_both_forms(bob.rtc.room, f"bob {phase} {n}")
            sent["bob"].append(bob_id)
            if phase == "gap":
                gap_ids.append(bob_id)
            await asyncio.sleep(GAP_PACE_S)

    try:
        # the kill lands while both are mid-conversation
        talking = asyncio.create_task(both_say("before"))
        await asyncio.sleep(PER_PHASE * GAP_PACE_S / 2)
        old_agent = _agent_sid(alice)
        killed.kill()
        await talking
        await both_say("gap")
        await carol.aclose()
        dave = await join(stack, room_name, "dave", wait_for_agent=False)
        await asyncio.to_thread(stack.start_agent)
        started = time.monotonic()
        await eventually(
            lambda: _agent_sid(alice) not in (None, old_agent),
            within=30,
            what="a new agent in the room",
        )
        back_after = time.monotonic() - started
        await both_say("after")

        await eventually(lambda: not outbox.pending, within=30, what="every message acknowledged")
        await asyncio.sleep(1)  # anything late (a resend, a legacy copy) has landed
        messages = await _messages(stack, room_name)

        ids = Counter(m.message_id for m in messages)
        by_sender = {who: [m for m in messages if m.sender_identity == who] for who in sent}
        alice_lost = set(sent["alice"]) - set(ids)
        bob_lost = set(sent["bob"]) - set(ids)
        print(
            f"\n{3 * PER_PHASE} messages each; agent back after {back_after:.1f} s; "
            f"our client: {len(alice_lost)} lost, {outbox.resent} resent; "
            f"plain LiveKit client: {len(bob_lost)} lost "
            f"({len(bob_lost & set(gap_ids))} of them sent while no agent ran)"
        )
        assert not alice_lost, f"{len(alice_lost)} of our client's messages lost"
        assert max(ids.values()) == 1, "a message id stored twice"
        texts = Counter(m.body for m in by_sender["alice"])
        assert len(texts) == 3 * PER_PHASE and max(texts.values()) == 1, "a text stored twice"
        assert set(outbox.acknowledged.values()) == {"stored"}
        assert len(outbox.acknowledged) == 3 * PER_PHASE
        # once the agent is back, in the order sent (resent ones land where they arrive)
        after = [m.body for m in by_sender["alice"] if m.body.startswith("alice after")]
        assert after == [f"alice after {n}" for n in range(PER_PHASE)]
        assert bob_lost <= set(sent["bob"][: 2 * PER_PHASE]), "lost after the agent was back"

        # presence: the room as it really is, one stay per person who never left
        async with stored(stack) as db:
            everyone = await stays(db, room_name=room_name)
        open_stays = sorted(s.identity for s in everyone if s.left_at is None)
        assert open_stays == ["alice", "bob", "dave"]
        [carols] = [s for s in everyone if s.identity == "carol"]
        assert carols.left_at is not None
    finally:
        killed.stop()  # reaps it and closes its output pipe
        if stack.agent is killed:
            await asyncio.to_thread(stack.start_agent)
        await outbox.aclose()
        for person in (alice, bob, dave):
            if person is not None:
                await person.aclose()


async def _stored_in(stack: RunningStack, occurrence: int, text: str) -> list[StoredMessage]:
    async with stored(stack) as db:
        messages = await messages_after(db, occurrence_id=occurrence, limit=10_000)
    return [m for m in messages if m.body == text]


async def test_the_page_sends_a_message_typed_while_the_agent_is_down_once_it_is_back(
    stack: RunningStack,
    browser: Browser,  # noqa: F811
    api_url: str,
    http: aiohttp.ClientSession,
    users: list[WebUser],
) -> None:
    host_account = await register(http, api_url, "facilitator", "Hana Host")
    title = f"Crash check {time.monotonic_ns() % 10**6}"
    occurrence = await one_meeting(http, api_url, host_account, title, capacity=4)
    host = await open_user(browser, api_url)
    users.append(host)
    await host.sign_in(host_account["email"], PASSWORD)
    await host.page.goto(f"/room/{occurrence}")
    join = host.page.get_by_role("button", name="Join", exact=True)  # the pre-join screen
    chat_box = host.page.get_by_role("textbox", name="Message")
    await expect(join.or_(chat_box)).to_be_visible()
    if await join.is_visible():
        await join.click()
    await expect(chat_box).to_be_visible()

    async def say(text: str) -> None:
        box = host.page.get_by_role("textbox", name="Message")
        await box.fill(text)
        await box.press("Enter")
        await expect(host.page.get_by_role("log", name="Chat messages")).to_contain_text(text)

    killed = stack.agent
    assert killed is not None
    try:
        await say("Hello, agent")  # stored: the agent is in the room and listening
        await eventually(
            lambda: _stored_in(stack, occurrence, "Hello, agent"), within=20, what="the first"
        )
        killed.kill()
        await say("Said while the agent was down")
        await asyncio.sleep(1)
        assert await _stored_in(stack, occurrence, "Said while the agent was down") == []
        await asyncio.to_thread(stack.start_agent)
        await eventually(
            lambda: _stored_in(stack, occurrence, "Said while the agent was down"),
            within=45,
            what="the message sent while the agent was down, stored",
        )
        await asyncio.sleep(4)  # a resend past the acknowledgement would land by now
        assert len(await _stored_in(stack, occurrence, "Said while the agent was down")) == 1
        assert len(await _stored_in(stack, occurrence, "Hello, agent")) == 1
    finally:
        killed.stop()
        if stack.agent is killed:
            await asyncio.to_thread(stack.start_agent)
