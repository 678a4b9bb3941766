"""bench/cluster.py's agent measurements: (c) takeover after kill -9, (d) what a room costs
the agent workers and the livekit-server nodes."""

from __future__ import annotations

import asyncio
import statistics
import time

import aiohttp
from cluster_common import agent_sid, cpu_s, rss_mb, seed_occurrences, until

from db import Database
from db.agent_rooms import holder
from tests.support.cluster import API_PORT, Cluster, Machine
from tests.support.rtc_client import RtcParticipant
from tests.support.stack import API_KEY, API_SECRET

ROOMS_CLOSED_AFTER_S = 15.0


# -- (c) agent takeover --------------------------------------------------------------------
async def takeover(cluster: Cluster, m: dict[str, Machine], tries: int) -> None:
    host, occurrences = await seed_occurrences(cluster.db_url, tries, 5)
    workers = {
        svc.name.split("-")[0]: svc
        for svc in cluster.services()
        if svc.name.endswith("-agent") and svc.running()
    }
    api = f"http://{m['api1'].ip}:{API_PORT}"
    times: list[float] = []
    db = await Database.open(cluster.db_url, run_migrations=False)
    async with aiohttp.ClientSession() as http:
        for occurrence in occurrences:
            url = f"{api}/api/occurrences/{occurrence}/token"
            headers = {"Authorization": f"Bearer {host}"}
            async with http.post(url, headers=headers, json={}) as reply:
                body = await reply.json()
            person = RtcParticipant("host")
            await person.connect(body["url"], body["token"])
            sid = await until(lambda p=person: agent_sid(p), 15)
            holding = await until(lambda room=body["room"]: holder(db, room), 10)
            victim = str(holding).rsplit("-", 1)[0]
            killed = time.monotonic()
            workers[victim].kill()
            await until(lambda p=person, old=sid: agent_sid(p) not in (None, old), 30)
            times.append(time.monotonic() - killed)
            await person.aclose()
            workers[victim] = await asyncio.to_thread(
                cluster.start_agent, m[victim], m["lk1" if victim == "agent1" else "lk2"]
            )
    await db.aclose()
    print(
        f"(c) agent takeover after kill -9, {tries} tries: p50 {statistics.median(times):.2f} s"
        f"   max {max(times):.2f} s   (each: {', '.join(f'{t:.1f}' for t in times)})",
        flush=True,
    )


# -- (d) what a room costs each tier -------------------------------------------------------
async def room_costs(
    cluster: Cluster, m: dict[str, Machine], rooms: int, window: float, listeners: int
) -> None:
    """``rooms`` rooms, each with one person speaking (a tone) and one listening, captions
    off: CPU and memory per room of the agent workers and the livekit-server nodes."""
    host, occurrences = await seed_occurrences(cluster.db_url, rooms, 5)
    running = [svc for svc in cluster.services() if svc.running()]
    agents = [svc for svc in running if svc.name.endswith("-agent")]
    nodes = [svc for svc in running if svc.name.endswith("-livekit")]
    api = f"http://{m['api1'].ip}:{API_PORT}"

    def sample() -> tuple[float, float, float, float]:
        return (
            sum(cpu_s(a.pid) for a in agents), sum(rss_mb(a.pid) for a in agents),
            sum(cpu_s(n.pid) for n in nodes), sum(rss_mb(n.pid) for n in nodes),
        )  # fmt: skip

    async def idle() -> tuple[float, float, float, float]:
        before, began = sample(), time.monotonic()
        await asyncio.sleep(window)
        after, took = sample(), time.monotonic() - began
        return (
            (after[0] - before[0]) / took, after[1], (after[2] - before[2]) / took, after[3],
        )  # fmt: skip

    empty = await idle()
    people: list[RtcParticipant] = []
    async with aiohttp.ClientSession() as http:
        for occurrence in occurrences:
            url = f"{api}/api/occurrences/{occurrence}/token"
            async with http.post(url, headers={"Authorization": f"Bearer {host}"}, json={}) as r:
                body = await r.json()
            speaker = RtcParticipant("speaker")
            await speaker.connect(body["url"], body["token"])
            await until(lambda p=speaker: agent_sid(p), 15)
            await speaker.publish_tone()
            # a second identity in the same room: the facilitator's token is for one
            # person, so the listener takes the speaker's room under another name
            people.append(speaker)
            for n in range(listeners):
                listener = RtcParticipant("listener")
                await listener.connect(body["url"], _second_token(body["room"], n))
                people.append(listener)
    full = await idle()
    for person in people:
        await person.aclose()
    # the rooms close 5 s after their last person left (departure_timeout), then the agent
    # leaves them: the next measurement starts from nothing again
    await asyncio.sleep(ROOMS_CLOSED_AFTER_S)
    print(
        f"(d) {rooms} rooms (1 speaker + {listeners} listeners + the agent each, captions off), "
        f"{window:.0f} s windows:\n"
        f"    agent workers: {(full[0] - empty[0]) / rooms * 100:.2f} % of a core and "
        f"{(full[1] - empty[1]) / rooms:.2f} MB per room "
        f"(idle, no room: {empty[0] * 100:.1f} % and {empty[1]:.0f} MB for both)\n"
        f"    livekit-server nodes: {(full[2] - empty[2]) / rooms * 100:.2f} % of a core and "
        f"{(full[3] - empty[3]) / rooms:.2f} MB per room "
        f"(idle: {empty[2] * 100:.1f} % and {empty[3]:.0f} MB for both)",
        flush=True,
    )


def _second_token(room: str, n: int) -> str:
    from datetime import timedelta as td

    from api.room_tokens import PARTICIPANT, room_token
    from colearn.config import LiveKitConfig

    config = LiveKitConfig(url="ws://unused", api_key=API_KEY, api_secret=API_SECRET)
    return room_token(
        config, room=room, identity=f"listener-{n}", name="Listener", role=PARTICIPANT,
        ttl=td(minutes=30),
    )  # fmt: skip
