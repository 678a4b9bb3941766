"""``python -m agents``: run the Co~Learn agent worker (livekit-agents' own runner)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from livekit.agents.__main__ import main as livekit_agents_main

from agents.config import AgentConfig
from colearn.config import ConfigError


def main() -> int:
    try:
        config = AgentConfig.from_env()
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    # livekit-agents otherwise loads its end-of-turn model (~244 MB) into the worker; the
    # Co~Learn agent holds no voice conversation, so it never uses it.
    os.environ.setdefault("LIVEKIT_AGENTS_PRELOAD_LOCAL_INFERENCE", "0")
    worker_module = Path(__file__).with_name("worker.py")
    return livekit_agents_main(
        ["start", str(worker_module), "--log-level", config.log_level, "--log-format", "json"]
    )


if __name__ == "__main__":
    sys.exit(main())
