"""What every API client sees: health, and one JSON error shape for every failure."""

from __future__ import annotations

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from api.app import create_app
from api.config import ApiConfig
from colearn.config import LiveKitConfig
from tests.support.ports import free_ports
from tests.support.stack import RunningStack


def _assert_error_shape(body: dict[str, object], code: str) -> None:
    assert set(body) == {"error"}
    error = body["error"]
    assert isinstance(error, dict) and set(error) == {"code", "message"}
    assert error["code"] == code
    assert isinstance(error["message"], str) and error["message"]


async def test_healthz_says_alive_and_readyz_checks_everything(api_url: str) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.get(api_url + "/healthz") as response:
            assert response.status == 200 and await response.json() == {"status": "ok"}
        async with http.get(api_url + "/readyz") as response:
            body = await response.json()
    assert response.status == 200, body
    assert body["status"] == "ready" and body["failed"] == []
    checks = body["checks"]
    assert checks["database"]["ok"] is True and checks["database"]["schema_version"] >= 1
    assert checks["livekit"]["ok"] is True
    assert checks["agent"] == {"ok": True, "workers": 1}  # the stack's one worker
    assert checks["outbox"]["ok"] is True


@pytest.fixture
async def client_without_livekit(db_url: str) -> TestClient:
    # A port nobody listens on: LiveKit is "down" for this app.
    (closed_port,) = free_ports(1)
    livekit = LiveKitConfig(url=f"ws://127.0.0.1:{closed_port}", api_key="k", api_secret="s" * 40)
    app = create_app(ApiConfig(db_url=db_url, host="127.0.0.1", port=0, livekit=livekit))
    client = TestClient(TestServer(app))
    await client.start_server()
    yield client
    await client.close()


async def test_readyz_is_503_naming_livekit_and_the_agent_when_they_are_away(
    client_without_livekit: TestClient,
) -> None:
    alive = await client_without_livekit.get("/healthz")
    assert alive.status == 200  # alive all the same: restarting the API would not help
    response = await client_without_livekit.get("/readyz")
    body = await response.json()
    assert response.status == 503
    assert body["status"] == "not_ready"
    assert body["failed"] == ["livekit", "agent"]
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["livekit"]["ok"] is False and body["checks"]["livekit"]["error"]
    assert "no agent worker" in body["checks"]["agent"]["error"]


async def test_unknown_path_is_a_json_404(client_without_livekit: TestClient) -> None:
    response = await client_without_livekit.get("/no/such/page")
    assert response.status == 404
    assert response.content_type == "application/json"
    _assert_error_shape(await response.json(), "not_found")


async def test_wrong_method_is_a_json_405_naming_the_allowed_ones(
    client_without_livekit: TestClient,
) -> None:
    response = await client_without_livekit.delete("/healthz")
    assert response.status == 405
    body = await response.json()
    _assert_error_shape(body, "method_not_allowed")
    assert "GET" in body["error"]["message"]
    assert "GET" in response.headers["Allow"]


async def test_unexpected_failure_is_a_json_500_without_a_traceback(db_url: str) -> None:
    async def broken(request: web.Request) -> web.Response:
        raise RuntimeError("secret internals")

    livekit = LiveKitConfig(url="ws://127.0.0.1:9", api_key="k", api_secret="s" * 40)
    app = create_app(ApiConfig(db_url=db_url, host="127.0.0.1", port=0, livekit=livekit))
    app.router.add_get("/broken", broken)
    async with TestClient(TestServer(app)) as client:
        response = await client.get("/broken")
        body = await response.json()
    assert response.status == 500
    _assert_error_shape(body, "internal_error")
    assert "secret internals" not in body["error"]["message"]


def test_stack_fixture_uses_a_long_secret(stack: RunningStack) -> None:
    # PyJWT warns on short HMAC keys, and warnings fail this suite.
    assert len(stack.settings.api_secret) >= 32
