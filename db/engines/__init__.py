"""One engine class per database, behind ``Database`` (db/database.py).

An engine runs units of work (``fn(conn, *args)``, synchronous) as reads or as writes,
applies the migrations, tells committed changes to listeners, and translates its driver's
errors into ``db.errors``. ``sqlite.py`` is the embedded default; ``postgres.py`` the one
for a school that outgrows one machine.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from db.conn import BEFORE_COMMIT, Conn

T = TypeVar("T")


class Engine(Protocol):
    dialect: str

    async def read(self, fn: Callable[..., T], *args: Any) -> T: ...
    async def write(self, fn: Callable[..., T], *args: Any) -> T: ...
    def on_commit(self, listener: Callable[[], None]) -> None: ...
    def stats(self) -> dict[str, int]: ...
    async def aclose(self) -> None: ...


def at_group_end(conn: Conn, key: Any, fn: Callable[[Conn], object]) -> None:
    """``fn(conn)`` once just before the transaction on ``conn`` commits (the last ``fn``
    given for ``key`` wins). For an event that tells the state of something, e.g. an
    occurrence's seats: twenty bookings of one meeting committed together (SQLite's group
    commit) announce its seats once, as committed."""
    at_end = conn.info.get("at_end")
    if at_end is None:
        fn(conn)
    else:
        at_end[key] = fn


def run_at_end(conn: Conn) -> None:
    """Just before COMMIT: the ``at_group_end`` work, then the ``BEFORE_COMMIT`` hook."""
    at_end = conn.info.get("at_end")
    if at_end:
        for fn in list(at_end.values()):
            fn(conn)
        at_end.clear()
    last = conn.info.pop(BEFORE_COMMIT, None)
    if last is not None:
        last(conn)
