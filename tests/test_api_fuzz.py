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
import re
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

import pytest

from db import Database, admin
from db.outbox import mails
from mail.config import MailConfig
from mail.preview import plain_body, rendered
from tests.support.api_client import Actor, Api, running_api
from tests.support.fuzz_checks import GUEST_TOKEN_VARIABLE
from tests.support.stack import RunningStack

ST = Path(sys.executable).with_name("st")
ROOT = Path(__file__).resolve().parent.parent
CONFIG = Path(__file__).with_name("api_fuzz.toml")
GUEST_EMAIL = "guest@example.org"
SEED = 21
EXAMPLES = 6
ROLES = ("anonymous", "participant", "guest", "facilitator", "admin")
# The coverage phase (every documented boundary and each kind of invalid value, the slowest)
# runs for the role that reaches the most operations; every role gets the random and stateful
# phases.
PHASES = {
    "anonymous": "fuzzing,stateful",
    "participant": "fuzzing,stateful",
    "guest": "fuzzing,stateful",
    "facilitator": "coverage,fuzzing,stateful",
    "admin": "fuzzing,stateful",
}
# A live event stream never ends, so a request-and-answer fuzzer would only time out on it;
# tests/test_api_events.py covers it.
UNFUZZABLE = ["--exclude-path", "/api/events"]
# Signing out, or revoking a sign-in by id (the fuzzer's own has a small id too), ends the
# sign-in the fuzzer uses and with it every later request as that role: fuzzed anonymously.
ENDS_SIGN_IN = ["--exclude-path", "/api/auth/sign-out", "--exclude-path", "/api/me/sign-ins/{id}"]


async def _sign_in_as(api: Api, role: str) -> Actor | None:
    if role in ("anonymous", "guest"):
        return None  # a guest has no account, only the link (see _guest_token)
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


async def _guest_token(api: Api, owner: Actor, occurrence: int) -> str:
    """A guest invitation to ``occurrence``: the token of the link in its mail (the outbox)."""
    invited = await api.call(
        "POST", f"/api/occurrences/{occurrence}/invitations", as_=owner,
        json={"emails": [GUEST_EMAIL]},
    )  # fmt: skip
    assert invited.status == 201, invited.body
    db = await Database.open(api.config.db_url)
    try:
        [mail] = [m for m in await mails(db, limit=1000) if m.recipient == GUEST_EMAIL]
        text = plain_body(await rendered(db, mail, MailConfig(), datetime.now(UTC)))
    finally:
        await db.aclose()
    link = re.search(r"/guest#(\S+)", text)
    assert link is not None, text
    return link.group(1)


async def _fuzz(api: Api, role: str, tmp_path: Path) -> None:
    actor = await _sign_in_as(api, role)
    # Something to find: a session (so ids 1.. exist), booked by the fuzzing user if it may.
    owner = actor if role in ("facilitator", "admin") else await api.register("facilitator")
    session = await api.create_session(owner)
    occurrence = session["occurrences"][0]["id"]
    if role == "participant":
        await api.call("POST", f"/api/occurrences/{occurrence}/bookings", as_=actor)
    headers = ["-H", f"Authorization: Bearer {actor.token}", *ENDS_SIGN_IN] if actor else []
    env = {}
    if role == "guest":
        # A guest has no account: the link's token, sent in the body of /api/guest/*, is the
        # credential (tests/support/fuzz_checks.py puts it into the schema-valid requests).
        env[GUEST_TOKEN_VARIABLE] = await _guest_token(api, owner, occurrence)
    report = tmp_path / "report.txt"
    with report.open("wb") as out:
        arguments = ["--phases", PHASES[role], *headers]
        code = await _run_schemathesis(api.url, arguments, out, tmp_path, env)
    output = report.read_text(errors="replace")
    for line in output.splitlines():  # how far the stateful phase got (docs/api-fuzzing.md)
        if "API Links:" in line or "Scenarios:" in line:
            print(f"{role}: {line.strip()}")
    assert code == 0, f"schemathesis as {role} found problems:\n{output[-12000:]}"


async def _run_schemathesis(
    url: str, headers: list[str], out: BinaryIO, workdir: Path, env: dict[str, str]
) -> int:
    process = await asyncio.create_subprocess_exec(
        str(ST), "--config-file", str(CONFIG), "run", f"{url}/api/openapi.json", "--url", url,
        "--max-examples", str(EXAMPLES), "--seed", str(SEED),
        "--workers", "1", "--no-shrink", "--suppress-health-check", "all",
        "--request-timeout", "10", "--output-truncate", "true",
        *UNFUZZABLE, *headers,
        stdout=out, stderr=asyncio.subprocess.STDOUT,
        env={**os.environ, **env, "SCHEMATHESIS_HOOKS": "tests.support.fuzz_checks",
             "NO_COLOR": "1", "PYTHONPATH": str(ROOT)},
        cwd=workdir,  # where it keeps its replay files
    )  # fmt: skip
    return await process.wait()
