"""What the agent benchmarks share: a private stack, people in rooms, and a commit clock.

Imported by bench/agent_chat.py, agent_rooms.py and agent_crash.py (run from the repository
root through scripts/loopback-netns.sh, as `make bench` does).
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from db import Database, migrate
from db.chat import messages_after
from tests.support.ports import free_ports
from tests.support.stack import RunningStack, new_stack


@contextmanager
def running_stack(db_url: str | None = None) -> Iterator[RunningStack]:
    """livekit-server and one registered agent worker on free loopback ports, storing in
    ``db_url`` (an empty database, e.g. PostgreSQL's) or else a new SQLite file."""
    with tempfile.TemporaryDirectory() as tmp:
        stack = new_stack(free_ports(4), Path(tmp), db_url)
        migrate(stack.db_url)
        try:
            stack.start_livekit()
            stack.start_agent()
            yield stack
        finally:
            stack.stop()


class CommitClock:
    """When each chat message of ``room`` became visible to another process (as the API
    would read it).

    A thread of its own reads the room's new messages every ``interval_s`` through a
    ``Database`` of its own: the figures have that resolution (plus one read).
    """

    def __init__(self, db_url: str, room: str, interval_s: float = 0.0005) -> None:
        self.seen: dict[str, float] = {}
        self._url = db_url
        self._room = room
        self._interval_s = interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="commit-clock", daemon=True)

    def __enter__(self) -> CommitClock:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _watch(self) -> None:
        asyncio.run(self._follow())

    async def _follow(self) -> None:
        db = await Database.open(self._url, run_migrations=False)
        try:
            last_id = 0
            while not self._stop.is_set():
                found = await messages_after(db, room_name=self._room, after_id=last_id)
                now = time.perf_counter()
                for message in found:
                    self.seen.setdefault(message.message_id, now)
                    last_id = max(last_id, message.id)
                await asyncio.sleep(self._interval_s)
        finally:
            await db.aclose()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


def summary(label: str, seconds: list[float]) -> str:
    ms = [s * 1000 for s in seconds]
    return (
        f"{label:<44} p50 {statistics.median(ms):7.1f} ms   p99 {percentile(ms, 0.99):7.1f} ms"
        f"   (n={len(ms)})"
    )


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
