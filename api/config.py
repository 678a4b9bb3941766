"""The API process's configuration, built once at start from the environment."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from colearn.config import ConfigError, LiveKitConfig, db_url, env, env_bool, env_int
from db.url import DbUrl
from mail.config import MailConfig

NO_SMTP = MailConfig()


def utc_now() -> datetime:
    return datetime.now(UTC)


def _at_least(name: str, environ: dict[str, str] | None, minimum: int) -> int:
    value = env_int(name, environ)
    if value < minimum:
        raise ConfigError(f"{name} must be a whole number of at least {minimum}, got {value}")
    return value


def _signup(environ: dict[str, str] | None) -> str:
    value = env("COLEARN_FACILITATOR_SIGNUP", environ).strip().lower()
    if value not in ("open", "approval"):
        raise ConfigError(f"COLEARN_FACILITATOR_SIGNUP must be open or approval, got {value!r}")
    return value


@dataclass(frozen=True)
class ApiConfig:
    db_url: str | Path | DbUrl
    host: str
    port: int
    livekit: LiveKitConfig
    # Room tokens are issued from this long before an occurrence starts until it ends.
    join_window: timedelta = timedelta(minutes=15)
    auth_token_ttl: timedelta = timedelta(hours=168)
    cookie_secure: bool = False
    # How often events written by other processes (the agent) are looked for.
    events_poll: timedelta = timedelta(milliseconds=50)
    # SMTP and the links in mails; by default no SMTP server: mails wait in the outbox.
    mail: MailConfig = NO_SMTP
    # Accounts (api/account_care.py): a verified address before booking or inviting, and
    # how long mailed links work. On by default, as for `python -m api` (docs/accounts.md).
    require_email_verification: bool = True
    verify_link_ttl: timedelta = timedelta(hours=48)
    reset_link_ttl: timedelta = timedelta(minutes=60)
    # "open": anyone may register as a facilitator; "approval": they register as a
    # participant asking for it, and an admin grants it (python -m api admin).
    facilitator_signup: str = "open"
    # Every "now" of the API comes from here, so tests can set the time.
    clock: Callable[[], datetime] = field(default=utc_now, compare=False, repr=False)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> ApiConfig:
        return cls(
            db_url=db_url(environ),
            host=env("COLEARN_API_HOST", environ),
            port=env_int("COLEARN_API_PORT", environ),
            livekit=LiveKitConfig.from_env(environ),
            join_window=timedelta(minutes=_at_least("COLEARN_JOIN_WINDOW_MINUTES", environ, 0)),
            auth_token_ttl=timedelta(hours=_at_least("COLEARN_AUTH_TOKEN_TTL_HOURS", environ, 1)),
            cookie_secure=env_bool("COLEARN_COOKIE_SECURE", environ),
            events_poll=timedelta(milliseconds=_at_least("COLEARN_EVENTS_POLL_MS", environ, 1)),
            mail=MailConfig.from_env(environ),
            require_email_verification=env_bool("COLEARN_REQUIRE_EMAIL_VERIFICATION", environ),
            verify_link_ttl=timedelta(hours=_at_least("COLEARN_VERIFY_LINK_HOURS", environ, 1)),
            reset_link_ttl=timedelta(minutes=_at_least("COLEARN_RESET_LINK_MINUTES", environ, 5)),
            facilitator_signup=_signup(environ),
        )
