"""Without an SMTP server mails wait in the outbox, where a developer reads them: on the
/dev/outbox page (this machine only) and with ``python -m mail``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.support.api_client import Api, running_api
from tests.support.smtp import SmtpServer, mail_config

ROOT = Path(__file__).resolve().parent.parent


async def _a_booking(api: Api) -> None:
    ada = await api.register("facilitator")
    session = await api.create_session(ada, title="Idioms")
    lee = await api.register()
    await api.call("POST", f"/api/occurrences/{session['occurrences'][0]['id']}/bookings", as_=lee)
    path = f"/api/occurrences/{session['occurrences'][0]['id']}/invitations"
    await api.call("POST", path, as_=ada, json={"emails": ["guest@example.org"]})


async def test_the_outbox_page_shows_waiting_mails_with_their_links(api: Api) -> None:
    await _a_booking(api)
    async with api.client.get("/dev/outbox") as listing:
        page = await listing.text()
    assert listing.status == 200 and "Booked: Idioms" in page and "Invitation: Idioms" in page
    async with api.client.get("/dev/outbox/2") as one:
        shown = await one.text()
    assert one.status == 200
    assert "<a href='http://127.0.0.1:8080/guest#" in shown  # the guest's link, clickable


async def test_the_outbox_page_is_not_there_when_mail_is_really_sent(
    db_url: str, smtp_server: SmtpServer
) -> None:
    async with running_api(db_url, mail=mail_config(smtp_server)) as api:
        async with api.client.get("/dev/outbox") as reply:
            assert reply.status == 404


async def test_the_cli_lists_and_shows_the_outbox(api: Api, db_url: str) -> None:
    await _a_booking(api)
    env = {**os.environ, "COLEARN_DB": str(db_url)}

    def run(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "mail", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    listing = run("list")
    assert listing.startswith("2 pending, 0 sent, 0 failed")
    assert "booking_confirmed" in listing and "Booked: Idioms" in listing
    shown = run("show", "1")
    assert "Subject: Booked: Idioms" in shown and "Content-Type: text/calendar" in shown
