"""The token of a link mailed to someone, read from ``/dev/outbox`` the way a developer
with ``make run`` and no SMTP server reads their mail: the list, the mail, its link."""

from __future__ import annotations

import html
import re

import aiohttp


async def _text(http: aiohttp.ClientSession, url: str) -> str:
    async with http.get(url) as reply:
        assert reply.status == 200, f"{url}: {reply.status} (is an SMTP server configured?)"
        return await reply.text()


async def mailed_token(
    http: aiohttp.ClientSession, base_url: str, recipient: str, path: str
) -> str:
    """The token after ``{path}#`` in the newest mail to ``recipient`` that has one."""
    listing = await _text(http, f"{base_url}/dev/outbox")
    to = re.escape(html.escape(recipient))
    ids = re.findall(rf"href='/dev/outbox/(\d+)'>\d+</a></td><td>\w+</td><td>{to}</td>", listing)
    for mail_id in sorted(ids, key=int, reverse=True):
        page = await _text(http, f"{base_url}/dev/outbox/{mail_id}")
        found = re.search(rf"https?://[^\s'<]+{re.escape(path)}#([\w-]+)", page)
        if found:
            return found[1]
    raise AssertionError(f"no mail to {recipient} with a {path} link in the outbox")


async def verify_address(
    http: aiohttp.ClientSession, base_url: str, recipient: str, token: str
) -> None:
    """When the API requires it, verify ``recipient``'s address (signed in with ``token``)
    through the link mailed at sign-up; nothing when it does not."""
    signed = {"Authorization": f"Bearer {token}"}
    async with http.get(f"{base_url}/api/me/email-verification", headers=signed) as reply:
        assert reply.status == 200, await reply.text()
        state = await reply.json()
    if not state["required"] or state["email_verified"]:
        return
    link = await mailed_token(http, base_url, recipient, "/verify-email")
    async with http.post(f"{base_url}/api/auth/verify-email", json={"token": link}) as reply:
        assert reply.status == 200, await reply.text()
