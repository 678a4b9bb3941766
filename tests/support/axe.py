"""axe-core, from the web page's own node_modules (pinned in web/package.json), run inside a
page: the accessibility rules a screen-reader or keyboard user would trip over."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.async_api import Page

from tests.support.browser import WebUser

AXE = (
    Path(__file__).resolve().parent.parent.parent
    / "web"
    / "node_modules"
    / "axe-core"
    / "axe.min.js"
)
BLOCKING = frozenset({"serious", "critical"})
# experimental in axe, but a real problem: a visible label a voice user says must be in the name
EXTRA_RULES = {"label-content-name-mismatch": {"enabled": True}}


async def violations(page: Page) -> list[dict[str, Any]]:
    """Serious and critical violations on the page as it is now (empty is the rule)."""
    assert AXE.exists(), "axe-core is missing: run 'make web' (npm ci installs it)"
    if not await page.evaluate("typeof window.axe !== 'undefined'"):
        await page.add_script_tag(path=str(AXE))
    found = await page.evaluate(
        """async (rules) => {
          const result = await axe.run(document, { rules });
          return result.violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 5).map(n => ({ target: n.target.join(' '),
              summary: n.failureSummary })),
          }));
        }""",
        EXTRA_RULES,
    )
    return [v for v in found if v["impact"] in BLOCKING]


def describe(found: list[dict[str, Any]]) -> str:
    lines = []
    for v in found:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']}")
        lines.extend(f"    {n['target']}: {n['summary']}" for n in v["nodes"])
    return "\n".join(lines)


async def collect(user: WebUser, name: str, problems: list[str]) -> None:
    """Keep a screenshot of the page as ``name`` and add its serious violations to
    ``problems`` (a test asserts it empty at the end, having seen every state)."""
    await user.screenshot(name)
    found = await violations(user.page)
    if found:
        problems.append(f"{name}:\n{describe(found)}")
