"""Co~Learn's storage: the schema, its migrations and every SQL statement live here."""

from db.database import Database
from db.migrate import MigrationError, migrate

__all__ = ["Database", "MigrationError", "migrate"]
