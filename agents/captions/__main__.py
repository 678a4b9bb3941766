"""``python -m agents.captions``: run a caption worker (agents/caption_worker.py).

Start any number of them, with the same LiveKit and database settings as the Co~Learn agent
worker started with COLEARN_CAPTION_AGENT=separate; each takes rooms while it has room.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from livekit.agents.__main__ import main as livekit_agents_main

from agents.captions.config import CaptionConfig
from agents.captions.engines import EngineError, bundled_model_dir
from agents.config import AgentConfig
from colearn.config import ConfigError
from db import DbError, MigrationError, migrate
from db.url import VARIABLE


def main() -> int:
    try:
        config = AgentConfig.from_env()
        caption_config = CaptionConfig.from_env()
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not caption_config.enabled:
        print("error: COLEARN_CAPTIONS=off: a caption worker has nothing to do", file=sys.stderr)
        return 2
    if caption_config.engine == "faster-whisper" and caption_config.model in ("", "bundled"):
        try:
            bundled_model_dir()
        except EngineError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    try:
        migrate(config.db_url)
    except (DbError, MigrationError, OSError) as exc:
        print(f"error: {VARIABLE}={config.db_url}: {exc}", file=sys.stderr)
        return 2
    os.environ.setdefault("LIVEKIT_AGENTS_PRELOAD_LOCAL_INFERENCE", "0")
    os.environ.setdefault("LIVEKIT_AGENTS_LOOP_BLOCK_WARN_MS", "250")
    os.environ.pop("LIVEKIT_AGENT_NAME", None)  # the worker names itself colearn-captions
    worker_module = Path(__file__).resolve().parent.parent / "caption_worker.py"
    return livekit_agents_main(
        ["start", str(worker_module), "--log-level", config.log_level, "--log-format", "json"]
    )


if __name__ == "__main__":
    sys.exit(main())
