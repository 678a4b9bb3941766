"""A withdrawn guest link takes the guest out of the live room, and keeps them out even
though the LiveKit token they hold stays valid until the occurrence ends."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import aiohttp
from livekit import rtc

from colearn.wire import AGENT_IDENTITY
from tests.support.agent_room import AGENT_ARRIVES_WITHIN_S
from tests.support.guest_link import guest_link
from tests.support.rtc_client import RtcParticipant
from tests.support.stack import RunningStack
from tests.support.waiting import eventually
from tests.support.web_api import post_as, register


async def _joined(url: str, token: str, identity: str) -> tuple[RtcParticipant, asyncio.Event]:
    guest = RtcParticipant(identity)
    gone = asyncio.Event()
    guest.room.on("disconnected", lambda *_: gone.set())
    await guest.connect(url, token)
    return guest, gone


async def test_a_withdrawn_guest_leaves_the_room_and_cannot_come_back(
    stack: RunningStack, api_url: str
) -> None:
    email = "gwen@example.org"
    async with aiohttp.ClientSession() as http:
        host = await register(http, api_url, "facilitator", "Ada")
        soon = datetime.now(UTC) + timedelta(minutes=5)
        session = await post_as(
            http,
            f"{api_url}/api/sessions",
            host["token"],
            {
                "title": "Club",
                "timezone": "Europe/Berlin",
                "starts_at": soon.isoformat(),
                "duration_minutes": 30,
                "capacity": 3,
            },
        )
        occurrence = session["occurrences"][0]["id"]
        invited = await post_as(
            http,
            f"{api_url}/api/occurrences/{occurrence}/invitations",
            host["token"],
            {"emails": [email]},
        )
        invitation = invited["items"][0]["id"]
        link = (await guest_link(stack, email)).split("#", 1)[1]
        async with http.post(
            f"{api_url}/api/guest/accept", json={"token": link, "display_name": "Gwen"}
        ) as reply:
            assert reply.status == 200, await reply.text()
        async with http.post(f"{api_url}/api/guest/token", json={"token": link}) as reply:
            assert reply.status == 200, await reply.text()
            granted = await reply.json()

        guest, gone = await _joined(granted["url"], granted["token"], granted["identity"])
        try:
            await eventually(
                lambda: guest.room.remote_participants.get(AGENT_IDENTITY),
                within=AGENT_ARRIVES_WITHIN_S,
                what="the agent in the guest's room",
            )
            async with http.delete(
                f"{api_url}/api/invitations/{invitation}",
                headers={"Authorization": f"Bearer {host['token']}"},
            ) as reply:
                assert reply.status == 200, await reply.text()
            await asyncio.wait_for(gone.wait(), 10)
            assert guest.room.connection_state != rtc.ConnectionState.CONN_CONNECTED
        finally:
            await guest.aclose()

        # The token they still hold lets them connect, and the agent sends them away again.
        again, gone_again = await _joined(granted["url"], granted["token"], granted["identity"])
        try:
            await asyncio.wait_for(gone_again.wait(), AGENT_ARRIVES_WITHIN_S + 10)
        finally:
            await again.aclose()
