"""The documentation stays true: README.md and docs/*.md link to what exists, the commands,
variables and endpoints they name exist, and the API reference is browsable at /api/docs."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
import unicodedata
from functools import cache
from pathlib import Path
from urllib.parse import unquote

import pytest
import yaml
from playwright.async_api import Browser, expect

from api.admin.parser import parser as admin_parser
from colearn.config import VARIABLES, ConfigError, LiveKitConfig
from tests.support.api_client import Api
from tests.support.browser import browser, open_user  # noqa: F401  (browser is a fixture)

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
TEXT = {page: page.read_text(encoding="utf-8") for page in PAGES}
ALL_TEXT = "\n".join(TEXT.values())
CONFIGURATION = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
SPEC = yaml.safe_load((ROOT / "api" / "openapi.yaml").read_text(encoding="utf-8"))
README_LIMIT = 10 * 1024


def _name(page: Path) -> str:
    return str(page.relative_to(ROOT))


def test_the_readme_is_a_short_front_door() -> None:
    size = len((ROOT / "README.md").read_bytes())
    assert size < README_LIMIT, f"README.md is {size} bytes; move detail into docs/"


# Links -------------------------------------------------------------------------------------

_LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")
_CODE = re.compile(r"```.*?```|`[^`\n]*`", re.DOTALL)


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"`|\*\*|\[([^\]]*)\]\([^)]*\)", r"\1", heading).strip().lower()
    kept = "".join(c for c in text if c in " -_" or unicodedata.category(c)[0] in "LN")
    return kept.replace(" ", "-")


@cache
def _anchors(page: Path) -> set[str]:
    text = _CODE.sub("", page.read_text(encoding="utf-8"))
    found: set[str] = set()
    for heading in re.findall(r"^#{1,6} +(.+?) *#*$", text, re.MULTILINE):
        slug, n = _slug(heading), 1
        while slug in found:  # repeated headings get -1, -2, ...
            slug = f"{_slug(heading)}-{n}"
            n += 1
        found.add(slug)
    return found


def _links() -> list[tuple[Path, str]]:
    return [
        (page, target)
        for page, text in TEXT.items()
        for target in _LINK.findall(_CODE.sub("", text))
        if not re.match(r"[a-z]+:", target)  # http:, https:, mailto: are not ours to check
    ]


@pytest.mark.parametrize(
    ("page", "target"), _links(), ids=[f"{_name(p)}->{t}" for p, t in _links()]
)
def test_every_relative_link_resolves(page: Path, target: str) -> None:
    path_part, _, anchor = unquote(target).partition("#")
    file = (page.parent / path_part).resolve() if path_part else page
    assert file.exists(), f"{_name(page)} links to {target}: no such file"
    if anchor:
        assert file.suffix == ".md", f"{_name(page)}: anchor into a non-Markdown file {target}"
        assert anchor in _anchors(file), (
            f"{_name(page)} links to {target}: {_name(file)} has no heading #{anchor}"
        )


# Commands ----------------------------------------------------------------------------------

_MAKE = re.compile(r"(?<![\w-])make ([a-z][a-z-]*)")
_PYTHON_M = re.compile(r"python3? -m ([a-z_][\w.]*)((?: [a-z][\w-]*)*)")


def _make_targets() -> set[str]:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    return set(re.findall(r"^([a-z][\w-]*):", makefile, re.MULTILINE))


def test_every_make_target_documented_exists() -> None:
    code = "\n".join(_CODE.findall(ALL_TEXT))  # commands are in code, not in prose
    documented = set(_MAKE.findall(code))
    assert {"run", "test"} <= documented
    missing = sorted(documented - _make_targets())
    assert not missing, f"documented but not in the Makefile: make {', make '.join(missing)}"


def _python_commands() -> set[tuple[str, tuple[str, ...]]]:
    return {
        (module, tuple(words.split()))
        for text in TEXT.values()
        for module, words in _PYTHON_M.findall(text)
    }


def test_every_python_module_documented_runs_as_a_command() -> None:
    for module in sorted({module for module, _ in _python_commands()}):
        spec = importlib.util.find_spec(module)
        assert spec is not None, f"python -m {module}: no such module"
        if spec.submodule_search_locations:  # a package needs a __main__
            assert importlib.util.find_spec(f"{module}.__main__"), f"python -m {module}"


def test_every_admin_command_documented_exists() -> None:
    documented = [words for module, words in _python_commands() if module == "api" and words]
    assert ("admin", "check") in documented
    for words in documented:
        if words == ("openapi",):  # prints the document the API serves
            done = subprocess.run(
                [sys.executable, "-m", "api", "openapi"], capture_output=True, text=True, check=True
            )
            assert json.loads(done.stdout)["paths"]["/api/occurrences/{id}"]
            continue
        assert words[0] == "admin", f"python -m api {' '.join(words)}: only 'admin' or 'openapi'"
        with pytest.raises(SystemExit) as done:  # --help, after checking every word before it
            admin_parser().parse_args([*words[1:], "--help"])
        assert done.value.code == 0, f"python -m api {' '.join(words)} is not a command"


def test_every_other_subcommand_documented_exists() -> None:
    """``python -m db backup``, ``python -m mail send``...: each answers ``--help``."""
    documented = sorted(
        (module, words) for module, words in _python_commands() if module != "api" and words
    )
    assert documented
    env = {**os.environ, "COLEARN_DB": "/nonexistent/never-opened.db"}
    for module, words in documented:
        done = subprocess.run(
            [sys.executable, "-m", module, words[0], "--help"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert done.returncode == 0, f"python -m {module} {words[0]}: {done.stderr[-300:]}"


# Variables ---------------------------------------------------------------------------------


def _row(name: str) -> str:
    default, meaning = VARIABLES[name]
    return f"| `{name}` | {f'`{default}`' if default else '(none)'} | {meaning} |"


@pytest.mark.parametrize("name", sorted(VARIABLES))
def test_every_variable_is_in_the_configuration_page_with_its_default(name: str) -> None:
    found = re.search(rf"^\| `{name}` \| ([^|]*) \|", CONFIGURATION, re.MULTILINE)
    assert found, f"{name} missing from docs/configuration.md; add a row such as\n{_row(name)}"
    default = VARIABLES[name][0]
    assert found[1] == (f"`{default}`" if default else "(none)"), (
        f"docs/configuration.md gives {name} the default {found[1]}; the registry {default!r}"
    )


def test_every_colearn_variable_the_docs_mention_exists() -> None:
    mentioned = set(re.findall(r"\bCOLEARN_[A-Z0-9_]*[A-Z0-9]\b", ALL_TEXT))
    unknown = sorted(mentioned - set(VARIABLES))
    assert not unknown, f"documented but not in colearn/config.py VARIABLES: {unknown}"


# Endpoints ---------------------------------------------------------------------------------

_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
_PATH = re.compile(r"(?<![\w./:])(/(?:api/|livekit/|dev/|healthz|readyz|metrics)[\w{}./-]*)")
# the agent worker's health port: livekit-agents' own / and /worker, and /metrics
# (agents/metrics.py); not the API's, so not in its OpenAPI document
AGENT_HEALTH_PORT = {"/worker"}
_METHOD_PATH = re.compile(rf"\b({'|'.join(_METHODS)}) (/[\w{{}}./-]*)")


def _operations(path: str) -> list[str]:
    """The OpenAPI paths a concrete or templated path may be (``export.csv`` and ``{id}``)."""
    path = path.rstrip(".")
    found = []
    for template in SPEC["paths"]:
        pattern = re.sub(r"\\\{\w+\\\}", r"[^/]+", re.escape(template))
        if re.fullmatch(pattern, path) or re.fullmatch(pattern, re.sub(r"\{\w+\}", "1", path)):
            found.append(str(template))
    return found


def test_every_endpoint_documented_exists() -> None:
    paths = {p.rstrip(".") for p in _PATH.findall(ALL_TEXT) if "..." not in p}
    paths = {p for p in paths if not p.endswith("/")}
    assert "/api/openapi.json" in paths and "/api/docs" in paths
    missing = sorted(p for p in paths if not _operations(p))
    assert not missing, f"documented but not in api/openapi.yaml: {missing}"
    for method, path in _METHOD_PATH.findall(ALL_TEXT):
        if path in AGENT_HEALTH_PORT:
            continue
        templates = _operations(path)
        assert templates, f"{method} {path} is not in api/openapi.yaml"
        assert any(method.lower() in SPEC["paths"][t] for t in templates), (
            f"{method} {path}: no such operation in api/openapi.yaml"
        )


# /api/docs ---------------------------------------------------------------------------------


async def test_the_reference_viewer_and_its_files_come_from_our_origin(api: Api) -> None:
    reply = await api.client.get("/api/docs")
    assert reply.status == 200 and reply.content_type == "text/html"
    page = await reply.text()
    assert "<script>" not in page, "no inline script: the page works under a strict CSP"
    files = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert len(files) >= 4
    for url in files:
        assert url.startswith("/api/docs/"), f"{url} is not served by the API"
        served = await api.client.get(url)
        assert served.status == 200, url
        assert served.content_type in ("text/css", "text/javascript", "image/png"), url
        assert len(await served.read()) > 100, url
    start = await (await api.client.get("/api/docs/start.js")).text()
    assert '"/api/openapi.json"' in start
    assert (await api.client.get("/api/docs/index.html")).status == 404
    assert (await api.client.get("/api/docs/..%2Fopenapi.yaml")).status == 404


async def test_the_reference_renders_every_operation_in_a_browser(
    api: Api,
    browser: Browser,  # noqa: F811
) -> None:
    user = await open_user(browser, api.url)
    try:
        await user.page.goto("/api/docs")
        operations = sum(
            1
            for path, methods in SPEC["paths"].items()
            for method in methods
            if method.upper() in _METHODS
        )
        blocks = user.page.locator(".opblock")
        await expect(blocks).to_have_count(operations, timeout=30_000)
        await expect(user.page.locator(".opblock-summary-path").first).to_be_visible()
        await expect(user.page.get_by_text("/api/auth/sign-in", exact=True)).to_be_visible()
        assert user.remote_requests() == [], user.remote_requests()
    finally:
        await user.context.close()


# Configuration checks (kept from the README's own tests) ------------------------------------


def test_a_short_livekit_secret_is_refused_naming_the_variable() -> None:
    with pytest.raises(ConfigError, match="LIVEKIT_API_SECRET"):
        LiveKitConfig.from_env({"LIVEKIT_API_SECRET": "too-short"})


def test_a_livekit_url_without_websocket_scheme_is_refused() -> None:
    with pytest.raises(ConfigError, match="LIVEKIT_URL"):
        LiveKitConfig.from_env({"LIVEKIT_URL": "http://127.0.0.1:7880"})


def test_the_secret_is_not_in_the_config_repr() -> None:
    config = LiveKitConfig.from_env({})
    assert config.api_secret not in repr(config)
