"""``python -m api admin`` run as an operator would: a subprocess on a database's URL."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent.parent


def admin(db_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLEARN_DB": db_url}
    env.pop("COLEARN_SMTP_HOST", None)
    return subprocess.run(
        [sys.executable, "-m", "api", "admin", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def admin_json(db_url: str, *args: str) -> Any:
    done = admin(db_url, *args, "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def ok(db_url: str, *args: str) -> str:
    done = admin(db_url, *args)
    assert done.returncode == 0, (args, done.stderr)
    return done.stdout
