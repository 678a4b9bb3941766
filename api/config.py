"""The API process's configuration, built once at start from the environment."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from colearn.config import LiveKitConfig, db_path, env, env_int


@dataclass(frozen=True)
class ApiConfig:
    db_path: Path
    host: str
    port: int
    livekit: LiveKitConfig

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> ApiConfig:
        return cls(
            db_path=db_path(environ),
            host=env("COLEARN_API_HOST", environ),
            port=env_int("COLEARN_API_PORT", environ),
            livekit=LiveKitConfig.from_env(environ),
        )
