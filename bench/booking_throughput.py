"""Booking throughput and live-update latency of the API on both engines, in one run.

    .venv/bin/python bench/booking_throughput.py [--clients 50] [--requests 100]
        [--subscribers 500] [--engines sqlite,postgresql]

For each engine, starts the real API (``python -m api``) on a fresh database (a SQLite file;
a PostgreSQL server of its own, durable as SQLite's WAL with synchronous=NORMAL is: fsync
on, synchronous_commit off) and, beside it, a bare aiohttp server answering constant JSON
(the ceiling for any aiohttp handler here). Prints, per engine:
(a) bookings per second and p50/p99 latency with N concurrent clients, each request a new
seat; (b) the same for the bare handler, and the ratio; (c) the time from a booking's
commit (its event's created_at) to the event arriving at each of M SSE subscribers.
The load generator runs in this process, so both servers share the machine with it.
The engines run one after the other, each against the same bare server, so their ratios
to it compare; a summary table ends the run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import uvloop
from aiohttp import web

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from db import Database, accounts, sessions  # noqa: E402
from db.conn import Conn  # noqa: E402
from db.sessions import SessionFields  # noqa: E402
from tests.support.api_client import seed_participants  # noqa: E402
from tests.support.postgres import postgres_server  # noqa: E402

ROUNDS = 5


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve_bare(port: int) -> None:
    body = json.dumps({"status": "ok", "seats_left": 7}).encode()

    async def constant(request: web.Request) -> web.Response:
        return web.Response(body=body, content_type="application/json")

    app = web.Application()
    app.router.add_post("/bare", constant)
    # the same event loop as the API's (api/__main__.py), so the two differ only in handler
    web.run_app(app, host="127.0.0.1", port=port, loop=uvloop.new_event_loop(), print=None)


async def seed(db_url: str, users: int, occurrences: int) -> tuple[list[str], list[int]]:
    """Participants with tokens, and one session with ``occurrences`` of ``users`` seats."""
    valid_until = datetime.now(UTC) + timedelta(days=1)
    tokens = await seed_participants(db_url, users, valid_until=valid_until, prefix="bench")
    start = datetime.now(UTC) + timedelta(days=1)
    slots = [
        (start + timedelta(hours=i), start + timedelta(hours=i, minutes=45))
        for i in range(occurrences)
    ]
    fields = SessionFields(
        title="Bench",
        description="",
        level="",
        topic="",
        timezone="UTC",
        starts_local=start.replace(tzinfo=None),
        duration_minutes=45,
        capacity=max(users, 1),
        rrule=None,
    )

    def create(conn: Conn) -> list[int]:
        host = accounts.create_user(conn, "host@bench", "Host", "facilitator", "-")
        session_id = sessions.create(conn, host.id, fields, slots)
        rows = conn.all(
            "SELECT id FROM occurrences WHERE session_id = :id ORDER BY id", id=session_id
        )
        return [row["id"] for row in rows]

    db = await Database.open(db_url)
    try:
        occurrence_ids = await db.write(create)
    finally:
        await db.aclose()
    return tokens, occurrence_ids


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def database_cpu_seconds() -> float:
    """CPU used so far by PostgreSQL's processes (its server shares this machine); 0 when
    none runs (SQLite works inside the API process)."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if (entry / "comm").read_text().strip() in ("postgres", "postmaster"):
                total += cpu_seconds(int(entry.name))
        except OSError:
            continue  # it ended meanwhile
    return total


def figures(latencies: list[float], elapsed: float) -> tuple[float, float, float]:
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return len(ordered) / elapsed, statistics.median(ordered) * 1000, p99 * 1000


async def load(
    http: aiohttp.ClientSession, requests: list[list[tuple[str, dict[str, str]]]]
) -> tuple[list[float], float, dict[int, int]]:
    """Each client sends its list of (url, headers) one after another."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}

    async def client(mine: list[tuple[str, dict[str, str]]]) -> None:
        for url, headers in mine:
            sent = time.perf_counter()
            async with http.post(url, headers=headers) as response:
                await response.read()
                statuses[response.status] = statuses.get(response.status, 0) + 1
            latencies.append(time.perf_counter() - sent)

    began = time.perf_counter()
    await asyncio.gather(*(client(mine) for mine in requests))
    return latencies, time.perf_counter() - began, statuses


@dataclass
class Phase:
    """One kind of request, sent in slices, with its latencies and the CPU it cost."""

    requests: list[list[tuple[str, dict[str, str]]]]
    server_pid: int
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    elapsed: float = 0.0
    server_cpu: float = 0.0
    client_cpu: float = 0.0
    database_cpu: float = 0.0

    async def run(self, http: aiohttp.ClientSession, start: int, count: int) -> None:
        server, client = cpu_seconds(self.server_pid), time.process_time()
        database = database_cpu_seconds()
        got, took, codes = await load(http, [r[start : start + count] for r in self.requests])
        self.server_cpu += cpu_seconds(self.server_pid) - server
        self.database_cpu += database_cpu_seconds() - database
        self.client_cpu += time.process_time() - client
        self.latencies.extend(got)
        self.elapsed += took
        for code, number in codes.items():
            self.statuses[code] = self.statuses.get(code, 0) + number

    @property
    def server_us(self) -> float:
        return self.server_cpu / len(self.latencies) * 1e6

    @property
    def database_us(self) -> float:
        return self.database_cpu / len(self.latencies) * 1e6

    @property
    def client_us(self) -> float:
        return self.client_cpu / len(self.latencies) * 1e6


async def wait_up(http: aiohttp.ClientSession, url: str) -> None:
    for _ in range(200):
        try:
            async with http.get(url) as response:
                await response.read()
                return
        except aiohttp.ClientError:
            await asyncio.sleep(0.05)
    raise RuntimeError(f"{url} did not come up")


async def fanout(
    http: aiohttp.ClientSession,
    api: str,
    tokens: list[str],
    occurrence: int,
    count: int,
    events: int,
) -> list[float]:
    """Latency, commit to arrival, of ``events`` seat changes at ``count`` subscribers."""
    arrivals: list[float] = []
    ready = 0
    all_ready = asyncio.Event()

    async def subscriber(token: str) -> None:
        nonlocal ready
        headers = {"Authorization": f"Bearer {token}"}
        async with http.get(f"{api}/api/events?occurrences={occurrence}", headers=headers) as r:
            seen = 0
            async for raw in r.content:
                line = raw.decode()
                if line.startswith("event: ready"):
                    ready += 1
                    if ready == count:
                        all_ready.set()
                if not line.startswith('data: {"id"'):
                    continue
                now = time.time()
                created = json.loads(line[6:])["created_at"]
                committed = datetime.fromisoformat(created).timestamp()
                arrivals.append(now - committed)
                seen += 1
                if seen == events:
                    return

    tasks = [asyncio.create_task(subscriber(tokens[i % len(tokens)])) for i in range(count)]
    await asyncio.wait_for(all_ready.wait(), 60)
    headers = {"Authorization": f"Bearer {tokens[0]}"}
    booking_id = None
    for number in range(events):
        if number % 2 == 0:
            async with http.post(
                f"{api}/api/occurrences/{occurrence}/bookings", headers=headers
            ) as r:
                booking_id = (await r.json())["id"]
        else:
            async with http.delete(f"{api}/api/bookings/{booking_id}", headers=headers) as r:
                await r.read()
        await asyncio.sleep(0.2)  # let each fan-out finish: this measures latency, not a queue
    await asyncio.wait_for(asyncio.gather(*tasks), 60)
    return arrivals


@dataclass
class Figures:
    engine: str
    booking_rps: float
    booking_p99: float
    bare_rps: float
    fanout_p99: float

    @property
    def ratio(self) -> float:
        return self.booking_rps / self.bare_rps


async def run_engine(
    args: argparse.Namespace, engine: str, db_url: str, bare: str, bare_pid: int
) -> Figures:
    per_client = args.requests
    tokens, occurrence_ids = await seed(db_url, args.clients, per_client + 1)
    api_port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COLEARN_", "LIVEKIT_"))}
    env.update(COLEARN_DB=db_url, COLEARN_API_PORT=str(api_port), COLEARN_LOG_LEVEL="WARNING")
    # the subscribers share a few accounts: let each hold as many streams as it needs
    env.update(COLEARN_STREAMS_PER_USER="100000", COLEARN_STREAMS_TOTAL="100000")
    api_proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "api", cwd=ROOT, env=env, stdout=asyncio.subprocess.DEVNULL
    )
    api = f"http://127.0.0.1:{api_port}"
    print(f"== {engine}")
    try:
        connector = aiohttp.TCPConnector(limit=0)
        async with aiohttp.ClientSession(connector=connector) as http:
            await wait_up(http, f"{api}/api/openapi.json")
            await wait_up(http, f"{bare}/")
            meetings = occurrence_ids[:per_client]
            # "same": every client books the same meeting at the same moment (one hot row
            # that all bookings must queue for); "spread": each books a different one
            shift = (lambda n: 0) if args.order == "same" else (lambda n: n)
            booking = [
                [
                    (f"{api}/api/occurrences/{occ}/bookings", {"Authorization": f"Bearer {tok}"})
                    for occ in meetings[shift(n) % len(meetings) :]
                    + meetings[: shift(n) % len(meetings)]
                ]
                for n, tok in enumerate(tokens)
            ]
            plain = [[(f"{bare}/bare", {"Authorization": "Bearer x"})] * per_client for _ in tokens]
            await load(http, [mine[:5] for mine in plain])  # warm-up
            # Alternate the two in rounds, so both see the same background load of a
            # shared machine.
            phases = {"booking": Phase(booking, api_proc.pid), "bare": Phase(plain, bare_pid)}
            step = -(-per_client // ROUNDS)
            for start in range(0, per_client, step):
                for phase in phases.values():
                    await phase.run(http, start, step)
            b, p = phases["booking"], phases["bare"]
            b_rps, b_p50, b_p99 = figures(b.latencies, b.elapsed)
            p_rps, p_p50, p_p99 = figures(p.latencies, p.elapsed)
            print(
                f"(a) booking, {args.clients} concurrent clients ({args.order} meeting), "
                f"{len(b.latencies)} new seats "
                f"(statuses {b.statuses}):"
            )
            print(f"    {b_rps:8.0f} req/s   p50 {b_p50:6.1f} ms   p99 {b_p99:6.1f} ms")
            print(f"(b) bare aiohttp handler, constant JSON (statuses {p.statuses}):")
            print(f"    {p_rps:8.0f} req/s   p50 {p_p50:6.1f} ms   p99 {p_p99:6.1f} ms")
            print(f"    booking / bare throughput: {b_rps / p_rps:.0%}")
            for name, phase in phases.items():
                print(
                    f"    CPU per {name} request: server {phase.server_us:5.0f} us, "
                    f"database server {phase.database_us:5.0f} us, "
                    f"load generator {phase.client_us:5.0f} us"
                )
            arrivals = await fanout(
                http, api, tokens, occurrence_ids[-1], args.subscribers, args.events
            )
            ordered = sorted(arrivals)
            p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000
            print(
                f"(c) commit -> event at {args.subscribers} SSE subscribers, {args.events} "
                f"bookings/cancellations, {len(arrivals)} deliveries:"
            )
            print(
                f"    p50 {statistics.median(ordered) * 1000:6.1f} ms   p99 {p99:6.1f} ms   "
                f"max {ordered[-1] * 1000:6.1f} ms"
            )
            return Figures(engine, b_rps, b_p99, p_rps, p99)
    finally:
        api_proc.terminate()
        await asyncio.wait_for(api_proc.wait(), 10)


# durable as SQLite in WAL mode with synchronous=NORMAL: a crash loses at most the last
# commits, never consistency
BENCH_POSTGRES = ("synchronous_commit=off", "max_connections=300")


async def main(args: argparse.Namespace) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="colearn-bench-"))
    bare_port = free_port()
    bare_proc = await asyncio.create_subprocess_exec(
        sys.executable, __file__, "--serve-bare", str(bare_port), cwd=ROOT
    )
    bare = f"http://127.0.0.1:{bare_port}"
    results: list[Figures] = []
    try:
        for engine in args.engines.split(","):
            if engine == "sqlite":
                results.append(
                    await run_engine(args, engine, str(tmp / "bench.db"), bare, bare_proc.pid)
                )
            else:
                with postgres_server(BENCH_POSTGRES) as server:
                    url = server.new_database(socket=True)
                    results.append(await run_engine(args, engine, url, bare, bare_proc.pid))
    finally:
        bare_proc.terminate()
        await asyncio.wait_for(bare_proc.wait(), 10)
    print("\nengine       booking req/s   bare req/s   ratio   booking p99   event p99")
    for f in results:
        print(
            f"{f.engine:<12} {f.booking_rps:13.0f} {f.bare_rps:12.0f} {f.ratio:7.0%}"
            f" {f.booking_p99:10.1f} ms {f.fanout_p99:8.1f} ms"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=100, help="per client")
    parser.add_argument("--subscribers", type=int, default=500)
    parser.add_argument("--events", type=int, default=20)
    parser.add_argument("--engines", default="sqlite,postgresql", help="comma-separated")
    parser.add_argument(
        "--order",
        choices=("same", "spread"),
        default="same",
        help="all clients book the same meeting at once (default), or each a different one",
    )
    parser.add_argument("--serve-bare", type=int, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.serve_bare:
        serve_bare(arguments.serve_bare)
    else:
        asyncio.run(main(arguments))
