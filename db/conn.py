"""What a unit of work gets: one open transaction on either engine, one way to run SQL.

Units of work are plain synchronous functions ``fn(conn, *args)`` run by
``Database.read`` or ``Database.write``. SQL is written once, with named parameters
(``:name``), and rows come back by column name (``row["name"]``, or ``Record(**row)``).
A parameter given a list or tuple stands for a parenthesised list: ``id IN :ids``.

Where the two engines' SQL must differ (row locks, which SQLite does not have) the
difference is a property here, so a statement reads the same on both.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import lru_cache
from typing import Any, Protocol

from db.url import POSTGRESQL, SQLITE

Row = Mapping[str, Any]
# conn.info key: ``fn(conn)`` the engine runs last before COMMIT (after at_group_end work)
BEFORE_COMMIT = "before_commit"
# conn.info keys of lists a savepoint's rollback cuts back (work buffered until commit)
SAVEPOINT_LISTS = ("events_pending",)
Params = Mapping[str, Any]


class Cursor(Protocol):
    rowcount: int

    def fetchone(self) -> Any: ...
    def fetchall(self) -> list[Any]: ...


_NAMED = re.compile(r"'(?:[^']|'')*'|::|:([A-Za-z_]\w*)|%")


def expand(sql: str, params: Params) -> tuple[str, dict[str, Any]]:
    """``:ids`` bound to a list or tuple becomes ``(:ids_0, :ids_1, ...)``."""
    flat: dict[str, Any] = {}
    lists: dict[str, int] = {}
    for key, value in params.items():
        if isinstance(value, list | tuple):
            if not value:
                raise ValueError(f"parameter {key!r} is an empty list: nothing to match")
            lists[key] = len(value)
            for i, item in enumerate(value):
                flat[f"{key}_{i}"] = item
        else:
            flat[key] = value
    if not lists:
        return sql, flat

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name is None or name not in lists:
            return match.group(0)
        return "(" + ", ".join(f":{name}_{i}" for i in range(lists[name])) + ")"

    return _NAMED.sub(replace, sql), flat


@lru_cache(maxsize=4096)
def to_pyformat(sql: str) -> str:
    """``:name`` to psycopg's ``%(name)s``; a literal ``%`` doubled; ``::`` casts and
    string literals left as they are."""

    def replace(match: re.Match[str]) -> str:
        text = match.group(0)
        if text == "%":
            return "%%"
        if text.startswith("'"):
            return text.replace("%", "%%")
        if text == "::":
            return text
        return f"%({match.group(1)})s"

    return _NAMED.sub(replace, sql)


class Conn:
    """One transaction. ``dialect`` is ``"sqlite"`` or ``"postgresql"``; ``info`` is a dict
    that lives as long as the transaction (for work to do once before it commits)."""

    dialect: str = ""
    for_update: str = ""  # " FOR UPDATE" where rows can be locked
    skip_locked: str = ""  # " FOR UPDATE SKIP LOCKED" where rows can be locked

    def __init__(self, raw: Any) -> None:
        self.raw = raw
        self.info: dict[Any, Any] = {}

    def execute(self, sql: str, params: Params | None = None, /, **named: Any) -> Cursor:
        raise NotImplementedError

    def run_many(self, sql: str, rows: list[Params]) -> None:
        """The statement once per row of parameters (no lists among them)."""
        raise NotImplementedError

    def one(self, sql: str, params: Params | None = None, /, **named: Any) -> Row | None:
        cursor = self.execute(sql, params, **named)
        row = cursor.fetchone()
        _close(cursor)
        return row

    def all(self, sql: str, params: Params | None = None, /, **named: Any) -> list[Row]:
        return self.execute(sql, params, **named).fetchall()

    def value(self, sql: str, params: Params | None = None, /, **named: Any) -> Any:
        """The first column of the first row, None when there is no row."""
        row = self.one(sql, params, **named)
        if row is None:
            return None
        return next(iter(row.values())) if isinstance(row, dict) else row[0]

    def run(self, sql: str, params: Params | None = None, /, **named: Any) -> int:
        """Run a statement; returns how many rows it changed."""
        cursor = self.execute(sql, params, **named)
        count = cursor.rowcount
        _close(cursor)
        return count

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """A part of the transaction that can fail alone: an exception inside undoes only
        this part (and propagates)."""
        self.execute("SAVEPOINT unit_part")
        marks = {key: len(self.info.get(key, ())) for key in SAVEPOINT_LISTS}
        try:
            yield
        except BaseException:
            self.execute("ROLLBACK TO SAVEPOINT unit_part")
            self.execute("RELEASE SAVEPOINT unit_part")
            for key, mark in marks.items():  # what the undone part buffered goes too
                if key in self.info:
                    del self.info[key][mark:]
            raise
        self.execute("RELEASE SAVEPOINT unit_part")


def _close(cursor: Any) -> None:
    close = getattr(cursor, "close", None)
    if close is not None:
        close()  # ends the statement (and on SQLite's reader, the read snapshot)


def merge(params: Params | None, named: dict[str, Any]) -> Params:
    if params is None:
        return named
    if named:
        return {**params, **named}
    return params


def needs_expansion(params: Params) -> bool:
    # a plain loop: any() over a generator costs a booking's seven statements some 10 µs
    for value in params.values():
        if type(value) is list or type(value) is tuple:
            return True
    return False


__all__ = ["POSTGRESQL", "SQLITE", "Conn", "Cursor", "Params", "Row", "to_pyformat"]
