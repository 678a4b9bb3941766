"""The web page: the built single-page app (``web/dist``) and background blur's MediaPipe files.

``index.html`` answers ``/`` and the page's own routes (sign-in, dashboard, a room), so a
reload or a shared link opens the right page; any other unknown path stays a JSON 404.
Vite names every built asset by its content hash, so those are cached for a year; the
MediaPipe files (``web/mediapipe``, prepared by ``make setup``) for a day. A gzipped copy
next to a file (``.gz``) is sent to browsers that accept it.
"""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

from api.errors import ApiError
from api.keys import DB
from db import occurrences

WEB = Path(__file__).resolve().parent.parent / "web"
DIST = WEB / "dist"
MEDIAPIPE = WEB / "mediapipe"

# Client-side routes of web/src/App.tsx.
PAGE_ROUTES = ("/", "/sign-in", "/sign-up", "/dashboard", "/guest")
ROOM_ROUTE = r"/room/{id:[1-9]\d{0,17}}"
PAGE_ROUTES += ("/notebook", "/review")  # the learner's vocabulary (docs/vocabulary.md)
# the links in account mails, and asking for one (docs/accounts.md)
PAGE_ROUTES += ("/verify-email", "/reset-password", "/forgot-password")

IMMUTABLE = "public, max-age=31536000, immutable"
ONE_DAY = "public, max-age=86400"

DIST_KEY = web.AppKey("web_dist", Path)
MEDIAPIPE_KEY = web.AppKey("web_mediapipe", Path)


def _not_built(what: str) -> ApiError:
    return ApiError(
        503,
        "web_not_built",
        f"The web page's {what} is missing: run 'make setup' (or 'make web') to build it.",
    )


def _file(base: Path, name: str) -> Path:
    """``name`` inside ``base``, or a 404: never a file outside it."""
    root = base.resolve()
    path = (root / name).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        raise ApiError(404, "not_found", "There is nothing at this address.")
    return path


async def page(request: web.Request) -> web.FileResponse:
    index = request.app[DIST_KEY] / "index.html"
    if not index.is_file():
        raise _not_built("build (web/dist)")
    # Always revalidated: it names the current hashed assets.
    return web.FileResponse(index, headers={"Cache-Control": "no-cache"})


async def room_page(request: web.Request) -> web.FileResponse:
    """A room's page; for an occurrence that does not exist, the same page (it says so) with
    404, so that crawlers, link checkers and scripts see the address leads nowhere."""
    shown = await page(request)
    if await occurrences.occurrence(request.app[DB], int(request.match_info["id"])) is None:
        shown.set_status(404)
    return shown


async def asset(request: web.Request) -> web.FileResponse:
    path = _file(request.app[DIST_KEY] / "assets", request.match_info["name"])
    return web.FileResponse(path, headers={"Cache-Control": IMMUTABLE})


async def mediapipe(request: web.Request) -> web.FileResponse:
    base = request.app[MEDIAPIPE_KEY]
    if not base.is_dir():
        raise _not_built("background blur files (web/mediapipe)")
    path = _file(base, request.match_info["name"])
    return web.FileResponse(path, headers={"Cache-Control": ONE_DAY})


def setup(app: web.Application, *, dist: Path = DIST, mediapipe_dir: Path = MEDIAPIPE) -> None:
    """Serve the page; call last, after the API's routes."""
    app[DIST_KEY] = dist
    app[MEDIAPIPE_KEY] = mediapipe_dir
    for route in PAGE_ROUTES:
        app.router.add_get(route, page)
    app.router.add_get(ROOM_ROUTE, room_page)
    app.router.add_get(r"/assets/{name:[\w.-]+}", asset)
    app.router.add_get(r"/mediapipe/{name:[\w./-]+}", mediapipe)
