"""Co~Learn's storage: the schema, its migrations, every SQL statement and every database
driver live here. ``Database`` (db/database.py) is the one way in; ``db.errors`` are the only
errors that leave."""

from db.database import Database
from db.errors import Conflict, DbError, NotFound, Unavailable
from db.migrate import MigrationError, migrate

__all__ = [
    "Conflict",
    "Database",
    "DbError",
    "MigrationError",
    "NotFound",
    "Unavailable",
    "migrate",
]
