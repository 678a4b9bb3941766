"""The data layer's own errors: api/ maps each to an HTTP answer in one table.

Driver exceptions (sqlite3's, psycopg's) never leave ``db/``: the engines translate them
here, so a caller cannot tell which engine is underneath.
"""

from __future__ import annotations


class DbError(Exception):
    """Something the data layer refused or could not do."""


class Conflict(DbError):
    """A uniqueness, foreign-key or check rule refused the change (e.g. two requests raced to
    make the same row); nothing of the change was kept."""


class NotFound(DbError):
    """The row the change was about does not exist."""


class Unavailable(DbError):
    """The database cannot be reached (or kept failing) for now; nothing was written.
    Worth trying again shortly."""


class ConfigError(DbError):
    """``COLEARN_DB`` names no database this layer can open."""
