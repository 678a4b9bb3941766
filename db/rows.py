"""Reads that work both on the reader (``Database``) and inside a write transaction."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import aiosqlite

from db.database import Database, on_thread

Source = Database | aiosqlite.Connection
T = TypeVar("T")


async def run(source: Source, fn: Callable[..., T], *args: Any) -> T:
    """The synchronous ``fn(sqlite3_connection, *args)``, read on the reader or inside the
    caller's transaction, in one hop to the connection's thread."""
    if isinstance(source, Database):
        return await source.read(fn, *args)
    return await on_thread(source, fn, *args)


async def fetchall(source: Source, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
    if isinstance(source, Database):
        return await source.fetchall(sql, params)
    async with source.execute(sql, tuple(params)) as cursor:
        return list(await cursor.fetchall())


async def fetchone(source: Source, sql: str, params: Iterable[Any] = ()) -> sqlite3.Row | None:
    if isinstance(source, Database):
        return await source.fetchone(sql, params)
    async with source.execute(sql, tuple(params)) as cursor:
        return await cursor.fetchone()
