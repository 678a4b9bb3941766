"""Schemathesis fuzzes every operation of the served OpenAPI document, as each kind of user.

An outside tester's view: the CLI (`st run`) reads ``/api/openapi.json`` from the running API and
sends generated requests, valid and invalid, with every check on (no server errors, answers and
status codes as documented, invalid input refused, valid input accepted...) plus our own: every
error answer has the JSON error shape. A fixed seed and a modest number of examples keep the run
short and the same from run to run.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import BinaryIO

import pytest

from db import Database, admin
from tests.support.api_client import Actor, Api, running_api
from tests.support.stack import RunningStack

ST = Path(sys.executable).with_name("st")
ROOT = Path(__file__).resolve().parent.parent
CONFIG = Path(__file__).with_name("api_fuzz.toml")
# What it still finds and is not fixed yet (docs/api-fuzzing.md lists each); a run fails on
# anything else. UPDATE_FUZZ_BASELINE=1 merges a run's findings into it.
BASELINE = Path(__file__).with_name("api_fuzz_baseline.json")
UPDATE = ["--baseline-update"] if os.environ.get("UPDATE_FUZZ_BASELINE") else []
SEED = 21
EXAMPLES = 6
ROLES = ("anonymous", "participant", "facilitator", "admin")
# The coverage phase (every documented boundary and each kind of invalid value, the slowest)
# runs for the role that reaches the most operations; every role gets the random and stateful
# phases.
PHASES = {
    "anonymous": "fuzzing,stateful",
    "participant": "fuzzing,stateful",
    "facilitator": "coverage,fuzzing,stateful",
    "admin": "fuzzing,stateful",
}
# A live event stream never ends, so a request-and-answer fuzzer would only time out on it;
# tests/test_api_events.py covers it.
UNFUZZABLE = ["--exclude-path", "/api/events"]
# Signing out ends the sign-in the fuzzer uses: it is fuzzed anonymously only.
ENDS_SIGN_IN = ["--exclude-path", "/api/auth/sign-out"]


async def _sign_in_as(api: Api, role: str) -> Actor | None:
    if role == "anonymous":
        return None
    actor = await api.register("participant" if role == "participant" else "facilitator")
    if role == "admin":
        db = await Database.open(api.config.db_url)
        try:
            await db.write(admin.set_role, actor.email, admin.ADMIN, True, api.clock())
        finally:
            await db.aclose()
    return actor


@pytest.mark.parametrize("role", ROLES)
async def test_fuzzed_requests_get_documented_answers(
    stack: RunningStack, db_url: str, role: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The write limit (600 a minute, documented as 429) would stop the fuzzer within seconds.
    monkeypatch.setenv("COLEARN_WRITES_PER_USER_PER_MINUTE", "0")
    monkeypatch.setenv("COLEARN_WRITES_PER_ADDRESS_PER_MINUTE", "0")
    # A fresh database (the fuzzer's failed sign-ins must lock no one else out) and the real
    # livekit-server, so room tokens are real; the API is made after the limit is lifted.
    async with running_api(db_url, livekit=stack.livekit_config) as api:
        await _fuzz(api, role, tmp_path)


async def _fuzz(api: Api, role: str, tmp_path: Path) -> None:
    actor = await _sign_in_as(api, role)
    # Something to find: a session (so ids 1.. exist), booked by the fuzzing user if it may.
    owner = actor if role in ("facilitator", "admin") else await api.register("facilitator")
    session = await api.create_session(owner)
    if role == "participant":
        occurrence = session["occurrences"][0]["id"]
        await api.call("POST", f"/api/occurrences/{occurrence}/bookings", as_=actor)
    headers = ["-H", f"Authorization: Bearer {actor.token}", *ENDS_SIGN_IN] if actor else []
    report = tmp_path / "report.txt"
    with report.open("wb") as out:
        code = await _run_schemathesis(api.url, ["--phases", PHASES[role], *headers], out, tmp_path)
    output = report.read_text(errors="replace")
    assert code == 0, f"schemathesis as {role} found problems:\n{output[-12000:]}"


async def _run_schemathesis(url: str, headers: list[str], out: BinaryIO, workdir: Path) -> int:
    process = await asyncio.create_subprocess_exec(
        str(ST), "--config-file", str(CONFIG), "run", f"{url}/api/openapi.json", "--url", url,
        "--checks", "all", "--max-examples", str(EXAMPLES), "--seed", str(SEED),
        "--workers", "1", "--no-shrink", "--suppress-health-check", "all",
        "--request-timeout", "10", "--output-truncate", "true",
        "--baseline", str(BASELINE), *UPDATE, *UNFUZZABLE, *headers,
        stdout=out, stderr=asyncio.subprocess.STDOUT,
        env={**os.environ, "SCHEMATHESIS_HOOKS": "tests.support.fuzz_checks", "NO_COLOR": "1",
             "PYTHONPATH": str(ROOT)},
        cwd=workdir,  # where it keeps its replay files
    )  # fmt: skip
    return await process.wait()
