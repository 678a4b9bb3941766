"""A real PostgreSQL server for one test run: its own data directory in a temporary folder,
a free port on loopback, started with the suite and stopped after it.

initdb refuses to run as root, so as root the server runs as Debian's ``postgres`` user
(the package creates it); as anyone else it runs as that user. Each test gets a database of
its own, cloned from a migrated template in a few milliseconds.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg

from db import migrate
from tests.support.ports import free_ports

BIN_DIRS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
TEMPLATE = "colearn_template"
# Durability is not what the tests are about: without fsync a database is made and
# migrated several times faster.
SERVER_SETTINGS = ("fsync=off", "synchronous_commit=off", "full_page_writes=off")


def _bin(name: str) -> str:
    for directory in BIN_DIRS:
        if (directory / name).exists():
            return str(directory / name)
    found = shutil.which(name)
    if found is None:
        raise RuntimeError(
            f"PostgreSQL's {name} is not installed; `make setup` installs Debian's postgresql"
        )
    return found


@dataclass
class PostgresServer:
    port: int
    directory: Path
    user: str
    _names: itertools.count[int]
    _prefix: list[str]
    _options: str

    def stop(self) -> None:
        """Stop at once, as a crash or a lost network would (clients see their connections
        drop)."""
        self._pg_ctl("-m", "immediate", "stop")

    def start(self) -> None:
        self._pg_ctl("-l", str(self.directory / "server.log"), "-o", self._options, "-w", "start")

    def _pg_ctl(self, *args: str) -> None:
        subprocess.run(
            [*self._prefix, _bin("pg_ctl"), "-D", str(self.directory / "data"), *args],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip

    def url(self, database: str, *, socket: bool = False) -> str:
        """Over TCP on loopback, or over the Unix socket (as a process on the database's
        own machine would connect)."""
        if socket:
            return f"postgresql://{self.user}@/{database}?host={self.directory}&port={self.port}"
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{database}"

    def admin(self) -> psycopg.Connection:
        return psycopg.connect(self.url("postgres"), autocommit=True)

    def new_database(self, *, migrated: bool = True, socket: bool = False) -> str:
        """A database no other test uses; migrated (a copy of the template) by default."""
        name = f"t{os.getpid()}_{next(self._names)}"
        template = TEMPLATE if migrated else "template0"
        with self.admin() as conn:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE {template}')
        return self.url(name, socket=socket)


def _as_server_user() -> tuple[list[str], str]:
    if os.geteuid() != 0:
        return [], pwd.getpwuid(os.geteuid()).pw_name
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        raise RuntimeError(
            "running as root, PostgreSQL needs an unprivileged user: install Debian's "
            "postgresql package (`make setup` does), which creates `postgres`"
        ) from None
    return ["runuser", "-u", "postgres", "--"], "postgres"


@contextmanager
def postgres_server(settings: tuple[str, ...] = SERVER_SETTINGS) -> Iterator[PostgresServer]:
    """A server of its own; ``settings`` are ``-c`` options (the tests' default trades
    durability for speed)."""
    prefix, user = _as_server_user()
    directory = Path(tempfile.mkdtemp(prefix="colearn-pg-"))
    data = directory / "data"
    if prefix:
        shutil.chown(directory, user="postgres", group="postgres")
    port = free_ports(1)[0]
    subprocess.run(
        [*prefix, _bin("initdb"), "-D", str(data), "-A", "trust", "-U", user, "-E", "UTF8",
         "--no-locale", "--no-sync"],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    options = " ".join(
        [f"-p {port}", f"-k {directory}", "-c listen_addresses=127.0.0.1", "-c max_connections=300"]
        + [f"-c {setting}" for setting in settings]
    )
    server = PostgresServer(port, directory, user, itertools.count(1), prefix, options)
    server.start()
    try:
        with server.admin() as conn:
            conn.execute(f"CREATE DATABASE {TEMPLATE}")
        migrate(server.url(TEMPLATE))
        yield server
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):
            server.stop()
        shutil.rmtree(directory, ignore_errors=True)
