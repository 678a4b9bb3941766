"""``/api/docs``: the API reference in a browser, Swagger UI over ``/api/openapi.json``.

Swagger UI's files come from the PyPI package ``swagger-ui-bundle-v2`` (pinned in
pyproject.toml, installed with everything else) and are served from here: the page loads
nothing from another origin. The page is ours, without inline script, so it also works under
a Content-Security-Policy of ``script-src 'self'``.
"""

from __future__ import annotations

from pathlib import Path

import swagger_ui_bundle
from aiohttp import web

from api.errors import ApiError

SWAGGER_UI = Path(swagger_ui_bundle.swagger_ui_path)
# the files the page uses; nothing else of the package is served
FILES = {
    "swagger-ui.css": "text/css",
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui-standalone-preset.js": "text/javascript",
    "favicon-32x32.png": "image/png",
}
ONE_DAY = "public, max-age=86400"

PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Co~Learn API reference</title>
  <link rel="stylesheet" href="/api/docs/swagger-ui.css">
  <link rel="icon" type="image/png" href="/api/docs/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/api/docs/swagger-ui-bundle.js"></script>
  <script src="/api/docs/swagger-ui-standalone-preset.js"></script>
  <script src="/api/docs/start.js"></script>
</body>
</html>
"""

START = """window.ui = SwaggerUIBundle({
  url: "/api/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
  layout: "StandaloneLayout",
  validatorUrl: null,
  withCredentials: true,
});
"""


async def page(request: web.Request) -> web.Response:
    return web.Response(text=PAGE, content_type="text/html", headers={"Cache-Control": "no-cache"})


async def file(request: web.Request) -> web.StreamResponse:
    name = request.match_info["name"]
    if name == "start.js":
        return web.Response(text=START, content_type="text/javascript")
    if name not in FILES or not (SWAGGER_UI / name).is_file():
        raise ApiError(404, "not_found", "There is nothing at this address.")
    return web.FileResponse(
        SWAGGER_UI / name, headers={"Content-Type": FILES[name], "Cache-Control": ONE_DAY}
    )


def setup(app: web.Application) -> None:
    app.router.add_get("/api/docs", page)
    app.router.add_get(r"/api/docs/{name:[\w.-]+}", file)
