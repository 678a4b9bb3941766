"""Mail settings, read once from the environment: the SMTP server and the links in mails.

No ``COLEARN_SMTP_HOST`` (the default for ``make run``) means no server: mails stay in the
outbox, where ``python -m mail`` and ``/dev/outbox`` show them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import urlsplit

from colearn.config import ConfigError, env, env_bool, env_int


def _starttls(environ: dict[str, str] | None) -> bool | None:
    if env("COLEARN_SMTP_STARTTLS", environ).strip().lower() == "auto":
        return None  # aiosmtplib: upgrade when the server offers it
    return env_bool("COLEARN_SMTP_STARTTLS", environ)


def _security(environ: dict[str, str] | None) -> tuple[bool, bool | None, str]:
    """Implicit TLS, STARTTLS and the CA file, checked against each other."""
    tls = env_bool("COLEARN_SMTP_TLS", environ)
    starttls = _starttls(environ)
    if tls and starttls:
        raise ConfigError(
            "COLEARN_SMTP_TLS=true already encrypts from the first byte; "
            "set COLEARN_SMTP_STARTTLS to false or auto"
        )
    ca_file = env("COLEARN_SMTP_CA_FILE", environ).strip()
    if ca_file and not Path(ca_file).is_file():
        raise ConfigError(f"COLEARN_SMTP_CA_FILE names no file: {ca_file!r}")
    return tls, False if tls else starttls, ca_file


@dataclass(frozen=True)
class MailConfig:
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_user: str = ""
    smtp_password: str = field(default="", repr=False)
    starttls: bool | None = None  # None: when offered
    tls: bool = False  # implicit TLS (port 465): encrypted from the first byte
    ca_file: str = ""  # authorities the server's certificate must come from; "": the system's
    mail_from: str = "Co~Learn <no-reply@localhost>"
    public_url: str = "http://127.0.0.1:8080"
    reminder_lead: timedelta = timedelta(minutes=60)
    # How often the outbox is looked at for mails other processes wrote and retries due;
    # mails written by this process wake the sender at once.
    poll: timedelta = timedelta(seconds=1)
    # The sender's shape: SMTP connections used at once, mails claimed per round, how long
    # a claim lasts if its sender dies, and attempts before a mail is marked failed.
    lanes: int = 4
    batch: int = 64
    lease: timedelta = timedelta(seconds=60)
    max_attempts: int = 12
    smtp_timeout: float = 30.0

    @property
    def configured(self) -> bool:
        return bool(self.smtp_host)

    @property
    def envelope_from(self) -> str:
        return parseaddr(self.mail_from)[1]

    @property
    def host_name(self) -> str:
        """Names our calendar UIDs and Message-IDs, so two deployments never clash."""
        return urlsplit(self.public_url).hostname or "localhost"

    def link(self, path: str) -> str:
        return self.public_url.rstrip("/") + path

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> MailConfig:
        mail_from = env("COLEARN_MAIL_FROM", environ)
        if "@" not in parseaddr(mail_from)[1]:
            raise ConfigError(
                f"COLEARN_MAIL_FROM must be an address like 'Co~Learn <no-reply@example.org>', "
                f"got {mail_from!r}"
            )
        public_url = env("COLEARN_PUBLIC_URL", environ).rstrip("/")
        if urlsplit(public_url).scheme not in ("http", "https"):
            raise ConfigError(
                f"COLEARN_PUBLIC_URL must start with http:// or https://, got {public_url!r}"
            )
        lead = env_int("COLEARN_REMINDER_LEAD_MINUTES", environ)
        poll = env_int("COLEARN_MAIL_POLL_MS", environ)
        if lead < 1 or poll < 10:
            raise ConfigError(
                "COLEARN_REMINDER_LEAD_MINUTES must be at least 1 "
                "and COLEARN_MAIL_POLL_MS at least 10"
            )
        tls, starttls, ca_file = _security(environ)
        return cls(
            smtp_host=env("COLEARN_SMTP_HOST", environ).strip(),
            smtp_port=env_int("COLEARN_SMTP_PORT", environ),
            smtp_user=env("COLEARN_SMTP_USER", environ),
            smtp_password=env("COLEARN_SMTP_PASSWORD", environ),
            starttls=starttls,
            tls=tls,
            ca_file=ca_file,
            mail_from=mail_from,
            public_url=public_url,
            reminder_lead=timedelta(minutes=lead),
            poll=timedelta(milliseconds=poll),
        )
