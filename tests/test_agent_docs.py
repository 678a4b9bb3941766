"""docs/livekit-clients.md tells client developers what the agent answers: its RPC and commands."""

from __future__ import annotations

from pathlib import Path

import pytest

from agents.history_rpc import MAX_PAGE
from agents.replies import COMMANDS, HELP
from colearn.wire import AGENT_IDENTITY, HISTORY_RPC_METHOD

README = (Path(__file__).resolve().parent.parent / "docs" / "livekit-clients.md").read_text(
    encoding="utf-8"
)


def test_the_history_rpc_method_and_its_payload_are_documented() -> None:
    assert f"method `{HISTORY_RPC_METHOD}`" in README
    assert f"destination `{AGENT_IDENTITY}`" in README
    assert f"`limit`, 1 to {MAX_PAGE}" in README


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_is_in_the_readme_and_in_help(name: str) -> None:
    assert f"| `/{name}" in README, f"/{name} missing from the README's command table"
    assert f"/{name}" in HELP
