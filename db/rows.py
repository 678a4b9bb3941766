"""Reads that work both on the reader (``Database``) and inside a write transaction."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import Any

import aiosqlite

from db.database import Database

Source = Database | aiosqlite.Connection


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
