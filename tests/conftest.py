"""Fixtures that start the real components once per test run and stop them afterwards."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator, Callable, Iterator

import aiohttp
import pytest
import pytest_asyncio
from aiohttp import web

from api.app import create_app
from api.config import ApiConfig
from db import migrate
from db.url import POSTGRESQL, SQLITE
from tests.support.api_client import VERIFICATION, Api, running_api
from tests.support.browser import WebUser, close_all
from tests.support.ports import free_ports
from tests.support.postgres import PostgresServer, postgres_server
from tests.support.smtp import smtp_server  # noqa: F401  (a fixture: a real SMTP server)
from tests.support.stack import RunningStack, new_stack

LOG_TAIL_LINES = 60


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--db",
        choices=(SQLITE, POSTGRESQL),
        default=SQLITE,
        help="the database engine the whole suite runs on (make test runs it on both)",
    )


def pytest_report_header(config: pytest.Config) -> list[str]:
    lines = [f"database engine: {config.getoption('--db')}"]
    if config.getoption("--db") == SQLITE:
        lines.append(CLUSTER_NOTE)
    return lines


# A cluster is machines sharing PostgreSQL: tests/test_cluster.py runs its own, whatever the
# engine, so it runs once per `make test`, in the PostgreSQL pass.
CLUSTER_NOTE = "tests marked cluster (tests/test_cluster.py) run in the --db postgresql pass"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "cluster: a multi-machine test; runs with --db postgresql")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--db") != SQLITE:
        return
    cluster = [item for item in items if item.get_closest_marker("cluster")]
    if cluster:
        config.hook.pytest_deselected(items=cluster)
        items[:] = [item for item in items if not item.get_closest_marker("cluster")]


@pytest.fixture(scope="session")
def engine(request: pytest.FixtureRequest) -> str:
    """The engine this run tests: ``sqlite`` or ``postgresql`` (``--db``)."""
    return str(request.config.getoption("--db"))


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """A real PostgreSQL server of this run's own (started when a test first needs it)."""
    with postgres_server() as server:
        yield server


@pytest.fixture(scope="session")
def new_db_url(
    engine: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Callable[..., str]:
    """Makes a fresh database on this run's engine (migrated unless told) and returns its URL."""

    def make(*, migrated: bool = True) -> str:
        if engine == POSTGRESQL:
            server: PostgresServer = request.getfixturevalue("postgres")
            return server.new_database(migrated=migrated)
        path = tmp_path_factory.mktemp("db") / "colearn.db"
        if migrated:
            migrate(path)
        return str(path)

    return make


@pytest.fixture(scope="session")
def stack(
    tmp_path_factory: pytest.TempPathFactory, new_db_url: Callable[..., str]
) -> Iterator[RunningStack]:
    """livekit-server and a registered agent worker, sharing one database."""
    running = new_stack(free_ports(4), tmp_path_factory.mktemp("stack"), new_db_url())
    try:
        running.start_livekit()
        running.start_agent()
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="session")
def api_app(stack: RunningStack) -> web.Application:
    """The application ``api_url`` serves (a test may end its live streams)."""
    config = ApiConfig(
        db_url=stack.db_url,
        host="127.0.0.1",
        port=stack.api_port,
        livekit=stack.livekit_config,
        require_email_verification=VERIFICATION,  # off here: see api_client.VERIFICATION
    )
    return create_app(config)


@pytest_asyncio.fixture(loop_scope="session", scope="session")
async def api_url(stack: RunningStack, api_app: web.Application) -> AsyncIterator[str]:
    """The API on the port livekit-server sends its webhooks to."""
    runner = web.AppRunner(api_app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", stack.api_port).start()
    try:
        yield f"http://127.0.0.1:{stack.api_port}"
    finally:
        await runner.cleanup()


@pytest.fixture
def db_url(new_db_url: Callable[..., str]) -> str:
    """A fresh, migrated database for one test, on this run's engine."""
    return new_db_url()


@pytest.fixture
def room_name(request: pytest.FixtureRequest) -> str:
    """A room name no other test uses: livekit-server dispatches the agent once per new room."""
    stem = re.sub(r"[^a-z0-9]+", "-", request.node.name.lower()).strip("-")[:40]
    return f"t-{stem}-{uuid.uuid4().hex[:8]}"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    report = yield
    running = getattr(item, "funcargs", {}).get("stack")
    if report.failed and isinstance(running, RunningStack):
        for path in sorted(running.log_dir.glob("*.log")):
            lines = [line[:400] for line in path.read_text(errors="replace").splitlines()]
            lines = lines[-LOG_TAIL_LINES:]
            report.sections.append((f"log tail: {path.name}", "\n".join(lines)))
    return report


@pytest_asyncio.fixture(loop_scope="session")
async def api(db_url: str) -> AsyncIterator[Api]:
    """The API on a fresh database, with a clock the test sets (starts at a fixed time)."""
    async with running_api(db_url) as harness:
        yield harness


# Browser tests: an HTTP client for API calls beside the pages, and the pages they opened.
@pytest_asyncio.fixture(loop_scope="session")
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest_asyncio.fixture(loop_scope="session")
async def users() -> AsyncIterator[list[WebUser]]:
    opened: list[WebUser] = []
    yield opened
    await close_all(opened)
