"""Prometheus metrics every Co~Learn process exports: the database and the dictionary.

Each process keeps its metrics in prometheus-client's default registry (with the client's
own ``process_*`` and ``python_*`` figures, and in the agent livekit-agents' ``lk_agents_*``)
and serves them at ``/metrics``: the API on its port (``api/metrics.py``), the agent worker
on its health port (``agents/metrics.py``). Every ``colearn_*`` metric is described in
docs/metrics.md, and a test checks that the two lists agree.
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Iterator

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    Counter,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from db import Database, observe
from dictionary.model import Entry, Invalid

# No ``*_created`` series beside every counter and histogram: Prometheus's text format
# does not use them, and they would double the series for nothing.
disable_created_metrics()

DB_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
LOOKUP_BUCKETS = (0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5)

DB_READ_SECONDS = Histogram(
    "colearn_db_read_duration_seconds",
    "Time a read unit of work took, from the call to its result (queueing included).",
    buckets=DB_BUCKETS,
)
DB_WRITE_SECONDS = Histogram(
    "colearn_db_write_duration_seconds",
    "Time a write unit of work took, from the call to its commit (SQLite's group commit"
    " wait and PostgreSQL's retries included).",
    buckets=DB_BUCKETS,
)
DEFINE_LOOKUPS = Counter(
    "colearn_define_lookups_total",
    "Dictionary lookups, by where they were asked (chat: /define; api: GET"
    " /api/dictionary/{word}) and their result (found, not_found, invalid).",
    ["via", "result"],
)
DEFINE_SECONDS = Histogram(
    "colearn_define_lookup_duration_seconds",
    "Time a dictionary lookup took (the lookup alone, not the reply).",
    ["via"],
    buckets=LOOKUP_BUCKETS,
)

_DB_OBSERVERS = {"read": DB_READ_SECONDS.observe, "write": DB_WRITE_SECONDS.observe}


def _observe_db(kind: str, seconds: float) -> None:
    _DB_OBSERVERS[kind](seconds)


def lookup_result(result: object) -> str:
    if isinstance(result, Entry):
        return "found"
    if isinstance(result, Invalid):
        return "invalid"
    return "not_found"


def observe_lookup(via: str, result: object, started: float) -> None:
    """Count a dictionary lookup that began at ``started`` (``time.perf_counter()``)."""
    DEFINE_SECONDS.labels(via).observe(time.perf_counter() - started)
    DEFINE_LOOKUPS.labels(via, lookup_result(result)).inc()


class _DatabaseUse(Collector):
    """The open databases' connection use, read when Prometheus scrapes."""

    def __init__(self) -> None:
        self.databases: weakref.WeakSet[Database] = weakref.WeakSet()

    def collect(self) -> Iterator[GaugeMetricFamily]:
        connections = GaugeMetricFamily(
            "colearn_db_pool_connections",
            "PostgreSQL pool connections of this process, by state (in_use, idle).",
            labels=["state"],
        )
        most = GaugeMetricFamily(
            "colearn_db_pool_max_connections",
            "The most connections this process's PostgreSQL pool opens.",
        )
        waiting = GaugeMetricFamily(
            "colearn_db_waiting_requests",
            "Units of work waiting: for a pool connection (PostgreSQL) or for the next group"
            " commit (SQLite writes).",
        )
        totals = {"size": 0, "idle": 0, "max": 0, "waiting": 0}
        pooled = False
        for database in list(self.databases):
            try:
                stats = database.stats()
            except Exception:  # a database closing meanwhile: the scrape goes on without it
                continue
            pooled = pooled or "size" in stats
            for key in totals:
                totals[key] += stats.get(key, 0)
        if pooled:
            connections.add_metric(["in_use"], totals["size"] - totals["idle"])
            connections.add_metric(["idle"], totals["idle"])
            most.add_metric([], totals["max"])
        waiting.add_metric([], totals["waiting"])
        yield connections
        yield most
        yield waiting

    def describe(self) -> Iterator[GaugeMetricFamily]:
        return iter(())


_USE = _DatabaseUse()
REGISTRY.register(_USE)


def watch(database: Database) -> None:
    """Time this process's database calls and report ``database``'s connection use."""
    if _observe_db not in observe.timings:
        observe.timings.append(_observe_db)
    _USE.databases.add(database)


def unwatch(database: Database) -> None:
    _USE.databases.discard(database)


def exposition() -> tuple[bytes, str]:
    """This process's metrics in Prometheus's text format, and its content type."""
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
