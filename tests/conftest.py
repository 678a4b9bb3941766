"""Fixtures that start the real components once per test run and stop them afterwards."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import aiohttp
import pytest
import pytest_asyncio
from aiohttp import web

from api.app import create_app
from api.config import ApiConfig
from db import migrate
from tests.support.api_client import Api, running_api
from tests.support.browser import WebUser, close_all
from tests.support.ports import free_ports
from tests.support.smtp import smtp_server  # noqa: F401  (a fixture: a real SMTP server)
from tests.support.stack import RunningStack, new_stack

LOG_TAIL_LINES = 60


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    """livekit-server and a registered agent worker, sharing one SQLite file."""
    running = new_stack(free_ports(4), tmp_path_factory.mktemp("stack"))
    migrate(running.db_path)
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
        db_path=stack.db_path, host="127.0.0.1", port=stack.api_port, livekit=stack.livekit_config
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
def db_path(tmp_path: Path) -> Path:
    """A fresh, migrated SQLite file for one test."""
    path = tmp_path / "colearn.db"
    migrate(path)
    return path


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
async def api(db_path: Path) -> AsyncIterator[Api]:
    """The API on a fresh database, with a clock the test sets (starts at a fixed time)."""
    async with running_api(db_path) as harness:
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
