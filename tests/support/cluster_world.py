"""The cluster test's world: the running cluster, the rooms its people are in, and the
ways a client of any machine reaches it (tests/test_cluster.py)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp

from api.auth import new_token, token_hash
from colearn.processes import Service
from colearn.wire import AGENT_IDENTITY
from db import Database, accounts, sessions
from db.agent_rooms import holder
from db.chat import messages_after
from db.conn import Conn
from db.sessions import SessionFields
from tests.support.chat_client import ChatInbox
from tests.support.cluster import API_PORT, Cluster, Machine
from tests.support.rtc_client import RtcParticipant
from tests.support.smtp import SmtpServer
from tests.support.sse import Message, kind
from tests.support.sse import SseStream as Stream
from tests.support.waiting import eventually

SEATS = 10
ROOMS_AT_MOST = 12


@dataclass
class World:
    cluster: Cluster
    machines: dict[str, Machine]
    services: dict[str, Service]
    smtp: SmtpServer
    host_token: str = ""
    occurrences: list[int] = field(default_factory=list)
    rooms: dict[str, RtcParticipant] = field(default_factory=dict)  # room -> its host
    inboxes: dict[str, ChatInbox] = field(default_factory=dict)

    def api(self, n: int) -> str:
        return f"http://{self.machines[f'api{n}'].ip}:{API_PORT}"

    async def db(self) -> Database:
        return await Database.open(self.cluster.db_url, run_migrations=False)


def session_fields(title: str, starts: datetime, capacity: int) -> SessionFields:
    return SessionFields(
        title=title, description="", level="", topic="", timezone="UTC",
        starts_local=starts.replace(tzinfo=None), duration_minutes=60, capacity=capacity,
        rrule=None,
    )  # fmt: skip


async def seed(world: World) -> None:
    """A facilitator with a sign-in token and sessions starting in 5 minutes (their rooms
    open now), written straight into the database: argon2 over HTTP tells nothing here."""
    token = new_token()
    starts = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=5)

    def seed(conn: Conn) -> list[int]:
        host = accounts.create_user(conn, "host@cluster.test", "Host", "facilitator", "-")
        accounts.create_token(
            conn, user_id=host.id, token_hash=token_hash(token), expires_at=starts + timedelta(1)
        )
        ids = []
        count = ROOMS_AT_MOST + 3  # the rooms, then: a stream's, the race's, the failover's
        for n in range(count):
            session_id = sessions.create(
                conn,
                host.id,
                session_fields(f"Club {n}", starts, SEATS if n == count - 2 else 50),
                [(starts, starts + timedelta(hours=1))],
            )
            ids.append(conn.value("SELECT id FROM occurrences WHERE session_id = :s", s=session_id))
        return ids

    db = await world.db()
    try:
        world.occurrences = await db.write(seed)
    finally:
        await db.aclose()
    world.host_token = token


async def post(http: aiohttp.ClientSession, url: str, token: str) -> tuple[int, dict]:
    async with http.post(url, headers={"Authorization": f"Bearer {token}"}, json={}) as reply:
        return reply.status, await reply.json()


def agent_sid(person: RtcParticipant) -> str | None:
    agent = person.room.remote_participants.get(AGENT_IDENTITY)
    return agent.sid if agent is not None else None


async def enter(world: World, http: aiohttp.ClientSession, n: int, occurrence: int) -> str:
    """The host takes a room token from API node ``n`` and joins with the URL it gives."""
    status, body = await post(
        http, f"{world.api(n)}/api/occurrences/{occurrence}/token", world.host_token
    )
    assert status == 200, body
    person = RtcParticipant(f"host-{occurrence}")
    world.inboxes[body["room"]] = ChatInbox(person.room)
    await person.connect(body["url"], body["token"])
    world.rooms[body["room"]] = person
    await eventually(lambda: agent_sid(person), within=15, what=f"the agent in {body['room']}")
    return str(body["room"])


async def holders(world: World) -> dict[str, str]:
    db = await world.db()
    try:
        return {room: str(await holder(db, room)) for room in world.rooms}
    finally:
        await db.aclose()


async def stored_ids(world: World, room: str) -> list[str]:
    db = await world.db()
    try:
        return [m.message_id for m in await messages_after(db, room_name=room)]
    finally:
        await db.aclose()


async def all_there(world: World, room: str, ids: list[str]) -> list[str] | None:
    stored = await stored_ids(world, room)
    return stored if set(ids) <= set(stored) else None


async def open_stream(
    http: aiohttp.ClientSession, base: str, token: str, occurrence: int, last: str | None = None
) -> SseStream:
    headers = {"Authorization": f"Bearer {token}"}
    if last is not None:
        headers["Last-Event-ID"] = last
    response = await http.get(f"{base}/api/events?occurrences={occurrence}", headers=headers)
    assert response.status == 200
    stream = SseStream(response)
    # what was missed comes first, then "ready": keep the missed ones for the reader
    while (message := await stream.next()).event != "ready":
        stream.backlog.append(message)
    return stream


class SseStream(Stream):
    def __init__(self, response: aiohttp.ClientResponse) -> None:
        super().__init__(response)
        self.backlog: list[Message] = []

    async def until(self, matches: Callable[[Message], bool], **kwargs: Any) -> Message:
        for message in self.backlog:
            if matches(message):
                self.backlog.remove(message)
                return message
        return await super().until(matches, **kwargs)


def seats_changed(message: object) -> bool:
    return kind("seats.changed")(message)  # type: ignore[arg-type]


async def is_status(status: Awaitable[int], expected: int) -> bool:
    return await status == expected


async def read(world: World, sql: str, **params: object) -> list[dict]:
    db = await world.db()
    try:
        return await db.read(lambda conn: conn.all(sql, **params))
    finally:
        await db.aclose()


async def event_ids(world: World, topic: str, after: int) -> list[int]:
    sql = "SELECT id FROM events WHERE topic = :t AND id > :a ORDER BY id"
    return [row["id"] for row in await read(world, sql, t=topic, a=after)]
