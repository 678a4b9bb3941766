"""``python -m agents.captions``: run a caption worker (agents/caption_worker.py).

Start any number of them, with the same LiveKit and database settings as the Co~Learn agent
worker started with COLEARN_CAPTION_AGENT=separate; each takes rooms while it has room.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from agents.__main__ import run_worker
from agents.captions.config import CaptionConfig
from agents.captions.engines import EngineError, bundled_model_dir
from agents.config import AgentConfig
from colearn.config import ConfigError


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
    os.environ.pop("LIVEKIT_AGENT_NAME", None)  # the worker names itself colearn-captions
    return run_worker(config, Path(__file__).resolve().parent.parent / "caption_worker.py")


if __name__ == "__main__":
    sys.exit(main())
