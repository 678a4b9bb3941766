"""On whose behalf a unit of work runs: the id of the API request that caused it.

The API sets ``request_id`` for each request (api/request_ids.py), and the log lines
written meanwhile show it (colearn/logs.py). ``Database.write`` hands it to the unit of
work in ``conn.info``, whichever thread or group commit runs it (a context variable would
not follow it there), so the events and mails the unit records keep it
(``events.request_id``, ``outbox.request_id``).
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from db.conn import Conn

request_id: ContextVar[str | None] = ContextVar("colearn_request_id", default=None)
INFO_KEY = "request_id"  # in ``Conn.info``: the request of the unit that ran last


def current(conn: Conn) -> str | None:
    """The request on whose behalf ``conn``'s unit of work (or its end) runs, if any."""
    return conn.info.get(INFO_KEY)
