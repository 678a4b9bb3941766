"""``python -m agents``: run the Co~Learn agent worker (livekit-agents' own runner)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from livekit.agents.__main__ import main as livekit_agents_main
from livekit.agents.cli import cli as lk_cli

from agents.config import AgentConfig
from colearn import logs
from colearn.config import ConfigError
from db import DbError, MigrationError, migrate
from db.url import VARIABLE


def _log_like_the_other_processes() -> None:
    """livekit-agents sets up logging itself when its runner starts; after it has (its
    levels, its quieted loggers), ours replaces its handler: COLEARN_LOG_FORMAT, request ids."""
    original = lk_cli.setup_logging

    def setup_logging(log_level: str, *args: Any, **kwargs: Any) -> None:
        original(log_level, *args, **kwargs)
        logs.configure(log_level, stream=sys.stdout)

    lk_cli.setup_logging = setup_logging


def main() -> int:
    try:
        config = AgentConfig.from_env()
        logs.log_format()  # a wrong COLEARN_LOG_FORMAT stops it here
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return run_worker(config, Path(__file__).with_name("worker.py"))


def run_worker(config: AgentConfig, worker_module: Path) -> int:
    """Start livekit-agents' runner on ``worker_module`` (this worker, or the caption one)."""
    # A database the worker cannot use stops it here, with the reason, instead of failing
    # every room's job once it runs.
    try:
        migrate(config.db_url)
    except (DbError, MigrationError, OSError) as exc:
        # str() of the URL masks a PostgreSQL password
        print(f"error: {VARIABLE}={config.db_url}: {exc}", file=sys.stderr)
        return 2
    # livekit-agents otherwise loads its end-of-turn model (~244 MB) into the worker; the
    # Co~Learn agent holds no voice conversation, so it never uses it.
    os.environ.setdefault("LIVEKIT_AGENTS_PRELOAD_LOCAL_INFERENCE", "0")
    # Its event-loop monitor wakes every room's loop and a watchdog thread 50 times a second
    # at the default 100 ms threshold; at 250 ms, 20 times: idle CPU with 20 rooms went from
    # 11.6 % to 6.7 % of a core (bench/agent_rooms.py). Blocks over 250 ms are still reported.
    os.environ.setdefault("LIVEKIT_AGENTS_LOOP_BLOCK_WARN_MS", "250")
    _log_like_the_other_processes()
    return livekit_agents_main(
        ["start", str(worker_module), "--log-level", config.log_level, "--log-format", "json"]
    )


if __name__ == "__main__":
    sys.exit(main())
