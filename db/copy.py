"""``python -m db copy SOURCE TARGET``: move a school's data between engines.

Copies every row of an existing database (SQLite or PostgreSQL) into an empty one, in one
transaction on the target (a failed copy leaves it empty), ids kept, and checks the row
count of every table afterwards. Refuses a target that holds any row, and a pair whose
schema versions differ (a new target is created at this code's version first).

Seat counts (``occurrences.seats_booked``) are kept by triggers as bookings and held seats
arrive, so occurrences are copied with none and the triggers count them again; the result
is compared with the source's.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import psycopg
from psycopg.rows import dict_row

from db.conn import Conn
from db.engines.postgres import PgConn
from db.engines.sqlite import SqliteConn
from db.errors import Conflict
from db.migrate import current_version_of, migrate, newest
from db.url import POSTGRESQL, DbUrl

# Every table, parents before children (foreign keys hold at each insert).
TABLES = (
    "users",
    "sessions",
    "occurrences",
    "bookings",
    "chat_messages",
    "presence",
    "auth_tokens",
    "login_failures",
    "webhook_events",
    "room_lifecycle",
    "agent_rooms",
    "vocabulary_lookups",
    "transcript_segments",
    "invitations",
    "invitation_seats",
    "events",
    "outbox",
    "agent_workers",
    "learner_settings",
    "notebook_words",
    "recap_runs",
    "recaps",
    "review_cards",
    "admins",
    "account_tokens",
    "facilitator_requests",
)
BATCH = 1000


class CopyRefused(Exception):
    """The copy was not started; nothing changed."""


@dataclass(frozen=True)
class TableCount:
    table: str
    source: int
    target: int


@contextmanager
def _connect(url: DbUrl) -> Iterator[Conn]:
    """A raw connection in one transaction, committed when the block ends without error."""
    if url.dialect == POSTGRESQL:
        with psycopg.connect(url.dsn, row_factory=dict_row) as raw:  # commits on success
            yield PgConn(raw)
        return
    assert url.path is not None
    raw = sqlite3.connect(url.path, isolation_level=None)
    raw.row_factory = sqlite3.Row
    try:
        raw.execute("PRAGMA foreign_keys=ON")
        raw.execute("BEGIN IMMEDIATE")
        yield SqliteConn(raw)
        raw.execute("COMMIT")
    except BaseException:
        if raw.in_transaction:
            raw.execute("ROLLBACK")
        raise
    finally:
        raw.close()


def _tables_of(conn: Conn) -> set[str]:
    if conn.dialect == POSTGRESQL:
        sql = "SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema()"
    else:
        sql = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    return {row["name"] for row in conn.all(sql)} - {"schema_migrations"}


def count(conn: Conn, table: str) -> int:
    return int(conn.value(f"SELECT COUNT(*) AS n FROM {table}"))


def _columns(conn: Conn, table: str) -> list[str]:
    cursor = conn.execute(f"SELECT * FROM {table} LIMIT 0")
    names = [d[0] for d in cursor.description]  # type: ignore[attr-defined]
    cursor.fetchall()
    return names


def _check(source: DbUrl, target: DbUrl) -> None:
    if str(source) == str(target):
        raise CopyRefused("source and target are the same database")
    have = current_version_of(source)
    code = newest(dialect=source.dialect)
    if have != code:
        raise CopyRefused(
            f"the source is at schema version {have}, this code at {code}: "
            + (
                "migrate the source first (python -m db migrate)"
                if have < code
                else "upgrade Co~Learn first"
            )
        )
    target_version = current_version_of(target)
    if target_version not in (0, code):
        raise CopyRefused(
            f"the target is at schema version {target_version}, the source at {have}:"
            " the versions must match"
        )


def copy(
    source: DbUrl, target: DbUrl, progress: Callable[[str, int, int], None] | None = None
) -> list[TableCount]:
    """Copy every row of ``source`` into the empty ``target``; returns the counts."""
    _check(source, target)
    migrate(target)
    try:
        return _copy_all(source, target, progress)
    except (sqlite3.Error, psycopg.Error, Conflict) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise CopyRefused(f"the copy failed and nothing was kept: {first}") from exc


def _copy_all(
    source: DbUrl, target: DbUrl, progress: Callable[[str, int, int], None] | None
) -> list[TableCount]:
    with _connect(source) as src, _connect(target) as dst:
        missing = _tables_of(src) ^ set(TABLES)
        if missing:
            raise CopyRefused(f"tables this copy does not know: {sorted(missing)}")
        busy = [(t, n) for t in TABLES if (n := count(dst, t))]
        if busy:
            held = ", ".join(f"{t} ({n} rows)" for t, n in busy)
            raise CopyRefused(f"the target is not empty: {held}")
        for table in TABLES:
            _copy_table(src, dst, table, progress)
        if dst.dialect == POSTGRESQL:
            _restart_identities(dst)
        counts = [TableCount(t, count(src, t), count(dst, t)) for t in TABLES]
        seats = _seats(src) == _seats(dst)
        wrong = [c for c in counts if c.source != c.target]
        if wrong or not seats:
            raise CopyRefused(
                "the copy does not match its source (nothing was kept): "
                + ", ".join(f"{c.table} {c.target} of {c.source}" for c in wrong)
                + ("" if seats else " seat counts differ")
            )
    return counts


def _copy_table(
    src: Conn, dst: Conn, table: str, progress: Callable[[str, int, int], None] | None
) -> None:
    total = count(src, table)
    columns = _columns(src, table)
    insert = (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(':' + c for c in columns)})"
    )
    order = "invitation_id, occurrence_id" if table == "invitation_seats" else "1"
    done = 0
    cursor = src.execute(f"SELECT * FROM {table} ORDER BY {order}")
    while rows := cursor.fetchmany(BATCH):  # type: ignore[attr-defined]
        batch = [dict(zip(columns, _values(row, columns), strict=True)) for row in rows]
        if table == "occurrences":
            for row in batch:
                row["seats_booked"] = 0  # the triggers count them again
        dst.run_many(insert, batch)
        done += len(batch)
        if progress is not None:
            progress(table, done, total)
    if progress is not None and total == 0:
        progress(table, 0, 0)


def _values(row: object, columns: list[str]) -> list[object]:
    return [row[c] for c in columns]  # type: ignore[index]


def _restart_identities(conn: Conn) -> None:
    """New rows on PostgreSQL take ids after the copied ones."""
    identities = conn.all(
        "SELECT table_name, column_name FROM information_schema.columns"
        " WHERE is_identity = 'YES' AND table_schema = current_schema()"
    )
    for row in identities:
        table, column = row["table_name"], row["column_name"]
        conn.execute(
            f"SELECT setval(pg_get_serial_sequence(:t, :c),"
            f" COALESCE((SELECT MAX({column}) FROM {table}), 0) + 1, false)",
            t=table,
            c=column,
        )


def _seats(conn: Conn) -> list[tuple[int, int]]:
    rows = conn.all("SELECT id, seats_booked FROM occurrences ORDER BY id")
    return [(row["id"], row["seats_booked"]) for row in rows]
