"""What the agent benchmarks share: a private stack, people in rooms, and a commit clock.

Imported by bench/agent_chat.py, agent_rooms.py and agent_crash.py (run from the repository
root through scripts/loopback-netns.sh, as `make bench` does).
"""

from __future__ import annotations

import os
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from db import migrate
from tests.support.ports import free_ports
from tests.support.stack import RunningStack, new_stack


@contextmanager
def running_stack() -> Iterator[RunningStack]:
    """livekit-server and one registered agent worker on free loopback ports."""
    with tempfile.TemporaryDirectory() as tmp:
        stack = new_stack(free_ports(4), Path(tmp))
        migrate(stack.db_url)
        try:
            stack.start_livekit()
            stack.start_agent()
            yield stack
        finally:
            stack.stop()


class CommitClock:
    """When each chat message became visible to another process (as the API would read it).

    A thread watches the database's change counter (``PRAGMA data_version``) every
    ``interval_s`` and reads the new rows when it moves: the figures have that resolution.
    """

    def __init__(self, db_url: str, interval_s: float = 0.0005) -> None:
        self.seen: dict[str, float] = {}
        self._path = db_url
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
        with closing(sqlite3.connect(self._path, isolation_level=None)) as conn:
            last_id = conn.execute("SELECT COALESCE(MAX(id), 0) FROM chat_messages").fetchone()[0]
            version = None
            while not self._stop.is_set():
                now_version = conn.execute("PRAGMA data_version").fetchone()[0]
                if now_version != version:
                    version = now_version
                    rows = conn.execute(
                        "SELECT id, message_id FROM chat_messages WHERE id > ?", (last_id,)
                    ).fetchall()
                    now = time.perf_counter()
                    for row_id, message_id in rows:
                        self.seen.setdefault(message_id, now)
                        last_id = max(last_id, row_id)
                time.sleep(self._interval_s)


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
