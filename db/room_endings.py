"""A facilitator ends a meeting for everyone: when, kept on the occurrence (``ended_at``).

Its room then gives out no more tokens (``api.room_access``); the scheduled times stay as
they were, so the calendar and the records still say what was planned.
"""

from __future__ import annotations

from datetime import datetime

from db.conn import Conn
from db.rows import Source, run
from db.times import maybe_from_db, to_db


def end(conn: Conn, occurrence_id: int, now: datetime) -> datetime | None:
    """Mark the occurrence ended at ``now`` unless it was already; when it ended (the
    first time), or None if there is no such occurrence."""
    conn.run(
        "UPDATE occurrences SET ended_at = :now WHERE id = :id AND ended_at IS NULL",
        now=to_db(now),
        id=occurrence_id,
    )
    return ended_at_now(conn, occurrence_id)


def ended_at_now(conn: Conn, occurrence_id: int) -> datetime | None:
    """When the occurrence's meeting was ended for everyone (None: it was not)."""
    return maybe_from_db(
        conn.value("SELECT ended_at FROM occurrences WHERE id = :id", id=occurrence_id)
    )


async def ended_at(source: Source, occurrence_id: int) -> datetime | None:
    return await run(source, ended_at_now, occurrence_id)
