"""People in a room with the Co~Learn agent, and a look at what the agent stored."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta

from api.room_tokens import PARTICIPANT, room_token
from colearn.wire import AGENT_IDENTITY
from db import Database
from db.presence import attendance
from tests.support.chat_client import ChatInbox
from tests.support.rtc_client import RtcParticipant
from tests.support.stack import RunningStack
from tests.support.waiting import eventually

AGENT_ARRIVES_WITHIN_S = 15.0


@dataclass
class Person:
    """A participant with a chat window."""

    rtc: RtcParticipant
    inbox: ChatInbox = field(init=False)

    def __post_init__(self) -> None:
        self.inbox = ChatInbox(self.rtc.room)

    @property
    def identity(self) -> str:
        return self.rtc.identity

    async def aclose(self) -> None:
        await self.inbox.aclose()
        await self.rtc.aclose()


async def join(
    stack: RunningStack, room: str, identity: str, *, wait_for_agent: bool = True
) -> Person:
    """``identity`` (named in title case) joins ``room``, by default once the agent is there."""
    person = Person(RtcParticipant(identity))
    token = room_token(
        stack.livekit_config,
        room=room,
        identity=identity,
        name=identity.title(),
        role=PARTICIPANT,
        ttl=timedelta(minutes=10),
    )
    await person.rtc.connect(stack.settings.ws_url, token)
    if wait_for_agent:
        await eventually(
            lambda: person.rtc.room.remote_participants.get(AGENT_IDENTITY),
            within=AGENT_ARRIVES_WITHIN_S,
            what=f"the agent in {room}",
        )
    return person


@asynccontextmanager
async def stored(stack: RunningStack) -> AsyncIterator[Database]:
    """The agent's database, read from the test as the API would read it."""
    db = await Database.open(stack.db_url, run_migrations=False)
    try:
        yield db
    finally:
        await db.aclose()


async def seen_by_agent(stack: RunningStack, room: str, identity: str) -> None:
    """Wait until the agent has recorded ``identity`` as present in ``room``. livekit-server
    tells the room about someone who publishes no track up to 3 s after they join."""

    async def present() -> bool:
        async with stored(stack) as db:
            rows = await attendance(db, room_name=room)
        return any(row.identity == identity and row.present for row in rows)

    await eventually(present, within=10, what=f"the agent to see {identity} in {room}")
