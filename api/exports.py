"""The signed-in learner's notebook to take away:

- ``GET /api/me/notebook/export.csv``: one row per word (UTF-8, a header row);
- ``GET /api/me/notebook/export.apkg``: an Anki deck with Word, IPA, Definition, Example,
  Level and Note fields. An empty notebook is a 404 ``empty_notebook`` for both.
"""

from __future__ import annotations

import asyncio

from aiohttp import web

from api.auth import require_user
from api.errors import ApiError
from api.keys import DB
from db import notebook
from vocab.anki import apkg, csv_text


async def _words(request: web.Request) -> tuple[int, str, list[dict]]:
    user = await require_user(request)
    words = [w.as_json() for w in await notebook.all_words(request.app[DB], user.id)]
    if not words:
        raise ApiError(
            404, "empty_notebook", "Your notebook has no words yet: there is nothing to export."
        )
    return user.id, user.display_name, words


async def export_csv(request: web.Request) -> web.Response:
    _user_id, _name, words = await _words(request)
    return web.Response(
        text=csv_text(words),
        content_type="text/csv",
        charset="utf-8",
        headers={"Content-Disposition": 'attachment; filename="colearn-notebook.csv"'},
    )


async def export_apkg(request: web.Request) -> web.Response:
    user_id, name, words = await _words(request)
    data = await asyncio.to_thread(apkg, user_id, name, words)
    return web.Response(
        body=data,
        content_type="application/octet-stream",
        headers={"Content-Disposition": 'attachment; filename="colearn-notebook.apkg"'},
    )


def setup(app: web.Application) -> None:
    app.router.add_get("/api/me/notebook/export.csv", export_csv)
    app.router.add_get("/api/me/notebook/export.apkg", export_apkg)
