"""``python -m api admin``: run Co~Learn from the command line.

    python -m api admin users [--role facilitator|participant|admin] [--json]
    python -m api admin sign-ins list [--user USER] [--all] [--json]
    python -m api admin sign-ins revoke (--user USER | --id ID)
    python -m api admin role grant|take facilitator|admin USER
    python -m api admin occurrence cancel ID
    python -m api admin outbox list [--status S] [--kind K] [--to TEXT] [--limit N] [--json]
    python -m api admin outbox show ID
    python -m api admin outbox resend ID
    python -m api admin check [--json]

USER is an email address or a user id. The database is COLEARN_DB's, as for every other
process. Exit codes: 0 done, 1 refused or failed (the message says why), 2 bad usage.
"""

from __future__ import annotations

import asyncio
import sys

from api.admin.commands import run
from api.admin.parser import parser
from colearn.config import ConfigError


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return asyncio.run(run(args))
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
