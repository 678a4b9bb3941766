"""Reads that work both on the database and inside a caller's unit of work.

``Source`` is either a ``Database`` (the read runs in a transaction of its own) or the
``Conn`` of a unit of work already running (the read joins it). Modules offer their reads
as ``async def thing(source, ...)`` built on ``run``, so a handler awaits
``bookings.booking(db, id)`` while a unit of work calls the synchronous ``load`` directly.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from db.conn import Conn, Row
from db.database import Database

Source = Database | Conn
T = TypeVar("T")


async def run(source: Source, fn: Callable[..., T], *args: Any) -> T:
    """The synchronous ``fn(conn, *args)``, on its own read transaction or on ``source``."""
    if isinstance(source, Database):
        return await source.read(fn, *args)
    return fn(source, *args)


def _all(conn: Conn, sql: str, params: Mapping[str, Any]) -> list[Row]:
    return conn.all(sql, params)


def _one(conn: Conn, sql: str, params: Mapping[str, Any]) -> Row | None:
    return conn.one(sql, params)


async def fetchall(source: Source, sql: str, params: Mapping[str, Any] | None = None) -> list[Row]:
    return await run(source, _all, sql, params or {})


async def fetchone(source: Source, sql: str, params: Mapping[str, Any] | None = None) -> Row | None:
    return await run(source, _one, sql, params or {})
