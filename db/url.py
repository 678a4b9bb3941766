"""``COLEARN_DB``: which engine and where. A path or ``sqlite:`` URL is SQLite (the embedded
default); a ``postgresql://`` (or ``postgres://``) URL is PostgreSQL 15+.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from db.errors import ConfigError

SQLITE = "sqlite"
POSTGRESQL = "postgresql"
VARIABLE = "COLEARN_DB"


@dataclass(frozen=True)
class DbUrl:
    """Where the database is. ``str()`` and ``repr()`` mask a password."""

    dialect: str
    path: Path | None = None  # SQLite: the file
    dsn: str = field(default="", repr=False)  # PostgreSQL: the URL as given

    def __str__(self) -> str:
        if self.dialect == SQLITE:
            return str(self.path)
        return masked(self.dsn)

    def __repr__(self) -> str:
        return f"DbUrl({self.dialect!r}, {str(self)!r})"


def masked(dsn: str) -> str:
    """The URL with any password replaced by ``***``."""
    return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", dsn)


def parse(value: str | Path) -> DbUrl:
    """Read a ``COLEARN_DB`` value; raises ConfigError naming the variable when it is unusable."""
    text = str(value).strip()
    if not text:
        raise ConfigError(f"{VARIABLE} is empty: give a file path or a postgresql:// URL")
    scheme = text.split(":", 1)[0].lower() if re.match(r"^[A-Za-z][\w+.-]*:", text) else ""
    if scheme in ("postgresql", "postgres") or scheme.startswith("postgresql+"):
        # no host is libpq's default: the local server's Unix socket
        dsn = "postgresql://" + text.split("://", 1)[1] if "://" in text else text
        return DbUrl(POSTGRESQL, dsn=dsn)
    if scheme == "sqlite":
        rest = text[len("sqlite:") :]
        # sqlite:///relative/or/abs, sqlite:relative, sqlite:////abs
        if rest.startswith("///"):
            rest = rest[3:]
        elif rest.startswith("//"):
            raise ConfigError(f"{VARIABLE}={text}: write sqlite:///path/to/file.db")
        if not rest:
            raise ConfigError(f"{VARIABLE}={text} names no file")
        return DbUrl(SQLITE, path=Path(unquote(rest)))
    if scheme and len(scheme) > 1:
        raise ConfigError(
            f"{VARIABLE}={masked(text)}: unknown kind of database {scheme!r};"
            " give a file path (SQLite) or a postgresql:// URL"
        )
    return DbUrl(SQLITE, path=Path(text))
