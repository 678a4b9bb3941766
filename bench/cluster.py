"""Co~Learn across machines (network namespaces, as tests/test_cluster.py builds them).

    scripts/loopback-netns.sh .venv/bin/python bench/cluster.py [--subscribers 5000]
        [--clients 40] [--seconds 8] [--takeovers 10] [--only sse,booking,takeover]

Prints:
(a) commit -> event latency (p50/p99/max) at N SSE subscribers spread over 2 API nodes,
    each on a machine of its own, for bookings made on API node 1;
(b) booking throughput with 2 API nodes against 1, on the same PostgreSQL (its own
    machine), the same clients, alternated in rounds so both see the same background load;
(c) agent takeover after kill -9: time from the kill until the room has a new agent (p50,
    max over T tries), with 2 livekit-server nodes and 2 agent workers on machines of
    their own; the killed worker is started again before the next try.
All on one 2-core machine: the "machines" share its cores, the load generator too.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
import traceback
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import uvloop

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cluster_agents import room_costs, takeover  # noqa: E402
from cluster_common import cpu_s, pct, seed_occurrences  # noqa: E402

from tests.support.api_client import seed_participants  # noqa: E402
from tests.support.cluster import API_PORT, Cluster, Machine, network  # noqa: E402

API_ENV = {
    "COLEARN_STREAMS_TOTAL": "10000",  # the default 2000 per node is below this bench
    "COLEARN_WRITES_PER_USER_PER_MINUTE": "0",  # a load generator is no client to throttle
    "COLEARN_LOG_LEVEL": "WARNING",
}


# -- (a) fan-out ---------------------------------------------------------------------
def subscriber_process(
    apis: list[str], tokens: list[str], occurrence: int, events: int, out
) -> None:  # type: ignore[no-untyped-def]
    """One client machine's worth of subscribers (its own process, so one Python loop's
    parsing does not become what is measured)."""
    uvloop.install()
    out.put(asyncio.run(_subscribe(apis, tokens, occurrence, events, out)))


async def _subscribe(
    apis: list[str], tokens: list[str], occurrence: int, events: int, out
) -> list[float]:  # type: ignore[no-untyped-def]
    arrivals: list[float] = []
    ready = 0
    connector = aiohttp.TCPConnector(limit=0)
    timeout = aiohttp.ClientTimeout(total=None)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as http:

        async def one(n: int) -> None:
            nonlocal ready
            headers = {"Authorization": f"Bearer {tokens[n % len(tokens)]}"}
            url = f"{apis[n % len(apis)]}/api/events?occurrences={occurrence}"
            async with http.get(url, headers=headers) as response:
                assert response.status == 200, response.status
                seen = 0
                async for raw in response.content:
                    if raw.startswith(b"event: ready"):
                        ready += 1
                        if ready == len(tokens):
                            out.put("ready")
                    if not raw.startswith(b'data: {"id"'):
                        continue
                    now = time.time()
                    created = json.loads(raw[6:])["created_at"]
                    arrivals.append(now - datetime.fromisoformat(created).timestamp())
                    seen += 1
                    if seen == events:
                        return

        await asyncio.wait_for(asyncio.gather(*(one(n) for n in range(len(tokens)))), 300)
    return arrivals


async def fanout(cluster: Cluster, apis: list[str], subscribers: int, events: int) -> None:
    _, occurrences = await seed_occurrences(cluster.db_url, 1, events + 1)
    valid = datetime.now(UTC) + timedelta(days=1)
    procs = 4
    users = subscribers // 8 + procs  # COLEARN_STREAMS_PER_USER is 8
    tokens = await seed_participants(cluster.db_url, users, valid_until=valid, prefix="sse")
    bookers = await seed_participants(cluster.db_url, events, valid_until=valid, prefix="booker")
    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    share = [tokens[i::procs] * 8 for i in range(procs)]
    share = [s[: subscribers // procs] for s in share]
    workers = [
        ctx.Process(target=subscriber_process, args=(apis, mine, occurrences[0], events, out))
        for mine in share
    ]
    for w in workers:
        w.start()
    for _ in workers:
        got = await asyncio.to_thread(out.get, True, 300)
        assert got == "ready", got
    api_pids = [svc.pid for svc in cluster.services() if svc.name.endswith("-api")]
    api_cpu = sum(cpu_s(pid) for pid in api_pids)
    async with aiohttp.ClientSession() as http:
        for token in bookers:  # each booking commits one seats.changed event
            url = f"{apis[0]}/api/occurrences/{occurrences[0]}/bookings"
            async with http.post(url, headers={"Authorization": f"Bearer {token}"}) as reply:
                assert reply.status == 201, await reply.text()
            await asyncio.sleep(0.5)  # each fan-out finishes: latency, not a queue
    api_cpu = sum(cpu_s(pid) for pid in api_pids) - api_cpu
    arrivals: list[float] = []
    for _ in workers:
        arrivals += await asyncio.to_thread(out.get, True, 300)
    for w in workers:
        w.join(10)
    print(
        f"(a) commit -> event, {subscribers} SSE subscribers over {len(apis)} API nodes "
        f"({procs} client processes), {events} bookings, {len(arrivals)} deliveries:\n"
        f"    p50 {pct(arrivals, 0.5) * 1000:.0f} ms   p99 {pct(arrivals, 0.99) * 1000:.0f} ms"
        f"   max {max(arrivals) * 1000:.0f} ms   (target p99 <= 250 ms)\n"
        f"    API nodes' CPU per delivery: {api_cpu / len(arrivals) * 1e6:.0f} us"
        f" ({api_cpu / events * 1000:.0f} ms of CPU per event for all subscribers)",
        flush=True,
    )


# -- (b) booking throughput ----------------------------------------------------------------
async def throughput(cluster: Cluster, apis: list[str], clients: int, seconds: float) -> None:
    valid = datetime.now(UTC) + timedelta(days=1)
    tokens = await seed_participants(cluster.db_url, clients, valid_until=valid, prefix="tp")
    _, occurrences = await seed_occurrences(cluster.db_url, 400, clients + 1)
    cursor = {"next": 0}

    async def run(nodes: list[str], span: float) -> tuple[int, list[float], dict[int, int]]:
        done, latencies, statuses = 0, [], {}
        stop = time.monotonic() + span
        connector = aiohttp.TCPConnector(limit=0)
        async with aiohttp.ClientSession(connector=connector) as http:

            async def client(n: int) -> None:
                nonlocal done
                headers = {"Authorization": f"Bearer {tokens[n]}"}
                while time.monotonic() < stop:
                    occurrence = occurrences[cursor["next"] % len(occurrences)]
                    cursor["next"] += 1
                    url = f"{nodes[n % len(nodes)]}/api/occurrences/{occurrence}/bookings"
                    sent = time.perf_counter()
                    async with http.post(url, headers=headers) as reply:
                        await reply.read()
                        statuses[reply.status] = statuses.get(reply.status, 0) + 1
                    latencies.append(time.perf_counter() - sent)
                    done += 1

            await asyncio.gather(*(client(n) for n in range(clients)))
        return done, latencies, statuses

    await run(apis, 1.0)  # warm-up
    totals = {"1 node": [0, 0.0, []], "2 nodes": [0, 0.0, []]}
    rounds = 4
    for _ in range(rounds):  # alternated, so both see the same background load
        for name, nodes in (("1 node", apis[:1]), ("2 nodes", apis)):
            done, latencies, statuses = await run(nodes, seconds / rounds)
            assert all(code < 500 for code in statuses), statuses
            totals[name][0] += done
            totals[name][1] += seconds / rounds
            totals[name][2] += latencies
    rates = {name: done / span for name, (done, span, _) in totals.items()}
    print(f"(b) booking throughput, {clients} concurrent clients, {seconds:.0f} s each:")
    for name, (_, _, latencies) in totals.items():
        p50 = statistics.median(latencies) * 1000
        p99 = pct(latencies, 0.99) * 1000
        print(f"    {name}: {rates[name]:6.0f} bookings/s   p50 {p50:.0f} ms   p99 {p99:.0f} ms")
    print(f"    2 nodes / 1 node: {rates['2 nodes'] / rates['1 node']:.2f}", flush=True)


async def main(args: argparse.Namespace) -> None:
    """Runs, then ends the process at once: LiveKit's client library can keep asyncio's
    shutdown waiting for good on a task it never finishes."""
    code = 1
    try:
        await measure(args)
        code = 0
    except Exception:
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


async def measure(args: argparse.Namespace) -> None:
    only = set(args.only.split(","))
    with network() as net:
        layout = {"db": 2, "redis": 3, "lk1": 11, "lk2": 12, "api1": 21, "api2": 22,
                  "agent1": 31, "agent2": 32}  # fmt: skip
        m = {name: net.machine(name, octet) for name, octet in layout.items()}
        cluster = Cluster(net, Path(tempfile.mkdtemp(prefix="colearn-cluster-bench-")), 0)
        cluster.start_postgres(m["db"])
        cluster.start_redis(m["redis"])
        apis_m = [m["api1"], m["api2"]]
        if "takeover" in only or "rooms" in only:
            cluster.start_livekit(m["lk1"], m["redis"], apis_m)
            cluster.start_livekit(m["lk2"], m["redis"], apis_m)
        for api, lk in ((m["api1"], m["lk1"]), (m["api2"], m["lk2"])):
            start_api(cluster, api, lk)
        apis = [f"http://{a.ip}:{API_PORT}" for a in apis_m]
        print(f"cluster up: PostgreSQL, Redis, 2 API nodes; logs in {cluster.log_dir}", flush=True)
        if "sse" in only:
            await fanout(cluster, apis, args.subscribers, args.events)
        if "booking" in only:
            await throughput(cluster, apis, args.clients, args.seconds)
        if "takeover" in only or "rooms" in only:
            await start_agents(cluster, m)
        if "takeover" in only:
            await takeover(cluster, m, args.takeovers)
        if "rooms" in only:
            for listeners in (1, 3):  # what a room costs, and what each listener adds
                await room_costs(cluster, m, args.rooms, args.window, listeners)


async def start_agents(cluster: Cluster, m: dict[str, Machine]) -> None:
    cluster.start_agent(m["agent1"], m["lk1"])
    cluster.start_agent(m["agent2"], m["lk2"])


def start_api(cluster: Cluster, machine: Machine, livekit: Machine) -> None:
    env = cluster.app_env(livekit)
    env.update(API_ENV, COLEARN_API_HOST=machine.ip, COLEARN_API_PORT=str(API_PORT))
    svc = cluster.start(machine, "api", [sys.executable, "-m", "api"], env)
    svc.wait_for_line(lambda line: "Co~Learn API listening" in line, timeout=60)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--subscribers", type=int, default=5000)
    parser.add_argument("--events", type=int, default=20)
    parser.add_argument("--clients", type=int, default=40)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--takeovers", type=int, default=10)
    parser.add_argument("--rooms", type=int, default=10)
    parser.add_argument("--window", type=float, default=10.0)
    parser.add_argument("--only", default="sse,booking,takeover,rooms")
    uvloop.install()
    asyncio.run(main(parser.parse_args()))
