"""Caption settings of the agent worker, read once from the environment."""

from __future__ import annotations

from dataclasses import dataclass

from agents.captions.engines import ENGINES
from colearn.config import ConfigError, env, env_int


@dataclass(frozen=True)
class CaptionConfig:
    enabled: bool
    interim: bool
    engine: str
    model: str
    language: str
    workers: int
    threads: int
    max_lag: float
    batch: bool = True
    agent: str = "inline"
    max_rooms: int = 50
    max_speakers: int = 10

    @property
    def separate(self) -> bool:
        """Captions come from caption workers, not from the Co~Learn agent worker."""
        return self.enabled and self.agent == "separate"

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> CaptionConfig:
        switch = env("COLEARN_CAPTIONS", environ).lower()
        if switch not in ("on", "off"):
            raise ConfigError(f"COLEARN_CAPTIONS must be on or off, got {switch!r}")
        interim = env("COLEARN_CAPTION_INTERIM", environ).lower()
        if interim not in ("on", "off"):
            raise ConfigError(f"COLEARN_CAPTION_INTERIM must be on or off, got {interim!r}")
        engine = env("COLEARN_WHISPER_ENGINE", environ)
        if engine not in ENGINES:
            raise ConfigError(
                f"COLEARN_WHISPER_ENGINE must be one of {', '.join(ENGINES)}, got {engine!r}"
            )
        batch = env("COLEARN_CAPTION_BATCH", environ).lower()
        if batch not in ("on", "off"):
            raise ConfigError(f"COLEARN_CAPTION_BATCH must be on or off, got {batch!r}")
        agent = env("COLEARN_CAPTION_AGENT", environ).lower()
        if agent not in ("inline", "separate"):
            raise ConfigError(f"COLEARN_CAPTION_AGENT must be inline or separate, got {agent!r}")
        max_rooms = env_int("COLEARN_CAPTION_MAX_ROOMS", environ)
        max_speakers = env_int("COLEARN_CAPTION_MAX_SPEAKERS", environ)
        if max_rooms < 1 or max_speakers < 1:
            raise ConfigError(
                "COLEARN_CAPTION_MAX_ROOMS and COLEARN_CAPTION_MAX_SPEAKERS must be at least 1"
            )
        raw_lag = env("COLEARN_CAPTION_MAX_LAG", environ)
        try:
            max_lag = float(raw_lag)
        except ValueError:
            raise ConfigError(f"COLEARN_CAPTION_MAX_LAG must be seconds, got {raw_lag!r}") from None
        workers = env_int("COLEARN_CAPTION_WORKERS", environ)
        threads = env_int("COLEARN_CAPTION_THREADS", environ)
        if workers < 1 or threads < 1 or max_lag <= 0:
            raise ConfigError(
                "COLEARN_CAPTION_WORKERS and COLEARN_CAPTION_THREADS must be at least 1 and "
                "COLEARN_CAPTION_MAX_LAG positive"
            )
        return cls(
            enabled=switch == "on",
            interim=interim == "on",
            engine=engine,
            model=env("COLEARN_WHISPER_MODEL", environ),
            language=env("COLEARN_WHISPER_LANGUAGE", environ),
            workers=workers,
            threads=threads,
            max_lag=max_lag,
            batch=batch == "on",
            agent=agent,
            max_rooms=max_rooms,
            max_speakers=max_speakers,
        )
