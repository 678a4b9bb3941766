"""The agent worker's configuration, built once at start from the environment."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from colearn.config import ConfigError, LiveKitConfig, db_url, env, env_int
from db.url import DbUrl


@dataclass(frozen=True)
class AgentConfig:
    db_url: str | Path | DbUrl
    dictionary_path: Path
    livekit: LiveKitConfig
    max_rooms: int
    http_port: int
    log_level: str

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> AgentConfig:
        max_rooms = env_int("COLEARN_AGENT_MAX_ROOMS", environ)
        if max_rooms < 1:
            raise ConfigError(f"COLEARN_AGENT_MAX_ROOMS must be at least 1, got {max_rooms}")
        return cls(
            db_url=db_url(environ),
            dictionary_path=Path(env("COLEARN_DICTIONARY_DB", environ)),
            livekit=LiveKitConfig.from_env(environ),
            max_rooms=max_rooms,
            http_port=env_int("COLEARN_AGENT_HTTP_PORT", environ),
            log_level=env("COLEARN_LOG_LEVEL", environ).upper(),
        )
