"""The API serves the web page: its routes, cached assets, blur files, and a clear error
when the page has not been built."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest_asyncio
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from api import web as web_page
from api.app import create_app
from api.config import ApiConfig
from api.keys import CONFIG
from tests.support.api_client import OFFLINE_LIVEKIT, Api, Clock

INDEX = "<!doctype html><title>Co~Learn</title>"


def _app(db_url: str, dist: Path, mediapipe: Path) -> web.Application:
    app = create_app(ApiConfig(db_url=db_url, host="127.0.0.1", port=0, livekit=OFFLINE_LIVEKIT))
    app[web_page.DIST_KEY] = dist
    app[web_page.MEDIAPIPE_KEY] = mediapipe
    return app


@pytest_asyncio.fixture(loop_scope="session")
async def built(db_url: str, tmp_path: Path) -> AsyncIterator[TestClient]:
    dist, mediapipe = tmp_path / "dist", tmp_path / "mediapipe"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text(INDEX)
    (dist / "assets" / "index-abc123.js").write_text("console.log(1)")
    (mediapipe / "wasm").mkdir(parents=True)
    (mediapipe / "wasm" / "vision_wasm_internal.wasm").write_bytes(b"\0asm")
    (tmp_path / "secret.txt").write_text("not for the web")
    client = TestClient(TestServer(_app(db_url, dist, mediapipe)))
    await client.start_server()
    yield client
    await client.close()


async def test_the_page_answers_at_its_own_routes_and_is_revalidated(built: TestClient) -> None:
    api = Api(built, Clock(), built.app[CONFIG])
    ada = await api.register("facilitator", "Ada")
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).isoformat()  # this API's clock is real
    session = await api.create_session(ada, starts_at=tomorrow)
    room = f"/room/{session['occurrences'][0]['id']}"
    for path in ("/", "/sign-in", "/sign-up", "/dashboard", room):
        response = await built.get(path)
        assert response.status == 200, path
        assert response.content_type == "text/html"
        assert await response.text() == INDEX
        assert response.headers["Cache-Control"] == "no-cache"


async def test_a_room_that_does_not_exist_is_the_page_with_404(built: TestClient) -> None:
    response = await built.get("/room/987654")
    assert response.status == 404  # for link checkers and scripts; the page says so to people
    assert response.content_type == "text/html"
    assert await response.text() == INDEX
    too_long = await built.get("/room/1234567890123456789")
    assert too_long.status == 404 and (await too_long.json())["error"]["code"] == "not_found"


async def test_hashed_assets_are_cached_for_a_year(built: TestClient) -> None:
    response = await built.get("/assets/index-abc123.js")
    assert response.status == 200
    assert "immutable" in response.headers["Cache-Control"]
    assert response.content_type.endswith("javascript")


async def test_blur_files_are_served_with_their_type(built: TestClient) -> None:
    response = await built.get("/mediapipe/wasm/vision_wasm_internal.wasm")
    assert response.status == 200
    assert response.content_type == "application/wasm"
    assert await response.read() == b"\0asm"


async def test_nothing_outside_the_built_files_is_served(built: TestClient) -> None:
    for path in (
        "/assets/..%2Fsecret.txt",
        "/mediapipe/../secret.txt",
        "/mediapipe/%2E%2E/secret.txt",
        "/assets/missing.js",
        "/no/such/page",
    ):
        response = await built.get(path)
        assert response.status == 404, path
        assert response.content_type == "application/json"


async def test_api_routes_still_answer_json(built: TestClient) -> None:
    response = await built.get("/api/auth/me")
    assert response.status == 401
    assert (await response.json())["error"]["code"] == "unauthorized"


async def test_an_unbuilt_page_tells_the_developer_to_run_make_setup(
    db_url: str, tmp_path: Path
) -> None:
    client = TestClient(TestServer(_app(db_url, tmp_path / "none", tmp_path / "none")))
    await client.start_server()
    try:
        response = await client.get("/")
        body = await response.json()
        blur = await client.get("/mediapipe/wasm/vision_wasm_internal.wasm")
    finally:
        await client.close()
    assert response.status == 503
    assert body["error"]["code"] == "web_not_built"
    assert "make setup" in body["error"]["message"]
    assert blur.status == 503
