"""How every Co~Learn process logs: one place for the API, the agent and the mail worker.

``COLEARN_LOG_LEVEL`` sets the level; ``COLEARN_LOG_FORMAT`` the shape of a line:

- ``text`` (the default): ``2026-12-06 22:10:01,123 INFO colearn.api message [request 3f2a...]``
- ``json``: one object per line, ``{"time", "level", "logger", "message", "request_id",
  ...}`` plus whatever ``extra=`` the call gave, and ``exception`` with the traceback.

The request id (db/context.py) is the API request the line was written for, if any.
What may never be logged: chat text, transcripts, tokens and passwords
(tests/test_logs.py runs a whole scenario at DEBUG and looks).
"""

from __future__ import annotations

import logging
import sys
from datetime import UTC, datetime
from typing import Any, TextIO

import orjson

from colearn.config import ConfigError, env
from db.context import request_id

FORMATS = ("text", "json")
TEXT = "%(asctime)s %(levelname)s %(name)s %(message)s%(request_note)s"
# Attributes every LogRecord has: anything else came from ``extra=``.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "request_note"}


class _WithRequestId(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id.get()
        rid = record.request_id
        record.request_note = f" [request {rid}]" if rid else ""
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and key != "request_id":
                line[key] = value
        rid = getattr(record, "request_id", None)
        if rid:
            line["request_id"] = rid
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return orjson.dumps(line, default=str).decode()


def log_format(environ: dict[str, str] | None = None) -> str:
    chosen = env("COLEARN_LOG_FORMAT", environ).strip().lower()
    if chosen not in FORMATS:
        raise ConfigError(f"COLEARN_LOG_FORMAT must be text or json, got {chosen!r}")
    return chosen


def configure(
    level: str | None = None, fmt: str | None = None, stream: TextIO | None = None
) -> None:
    """Log from now on at ``level`` (default ``COLEARN_LOG_LEVEL``) in ``fmt`` (default
    ``COLEARN_LOG_FORMAT``) to ``stream`` (default stderr), replacing any handler the root
    logger had."""
    handler = logging.StreamHandler(stream or sys.stderr)
    chosen = fmt or log_format()
    handler.setFormatter(JsonFormatter() if chosen == "json" else logging.Formatter(TEXT))
    handler.addFilter(_WithRequestId())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel((level or env("COLEARN_LOG_LEVEL")).upper())
