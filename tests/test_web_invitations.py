"""Invitations in the web page, in Chromium against the real API and livekit-server.

A guest opens the personal link from their invitation mail (taken from the outbox), gives a
name and is seen in the room under it; once the facilitator withdraws the invitation the
link shows why it no longer works. A member accepts an invitation on their dashboard and
gets the seat (or, when the meeting is full, a place on its waitlist).
"""

from __future__ import annotations

import re
import uuid
from typing import Any

import aiohttp
from playwright.async_api import Browser, Page, expect

from tests.support.api_client import PASSWORD
from tests.support.browser import (  # noqa: F401  (browser is a fixture)
    DESKTOP,
    PHONE,
    WebUser,
    browser,
    close_all,
    open_user,
)
from tests.support.guest_link import guest_link
from tests.support.stack import RunningStack
from tests.support.web_api import one_meeting, post_as, register

SEEN_WITHIN_MS = 10_000


async def _open(chromium: Browser, api_url: str, users: list[WebUser], viewport: Any) -> WebUser:
    user = await open_user(chromium, api_url, viewport)
    users.append(user)
    return user


def _item(page: Page, title: str, section: str) -> Any:
    return page.get_by_role("region", name=section).locator("li", has_text=title).first


async def test_a_guest_joins_from_the_mailed_link_and_a_withdrawn_link_stops_working(
    browser: Browser,  # noqa: F811
    api_url: str,
    stack: RunningStack,
    http: aiohttp.ClientSession,
    users: list[WebUser],
) -> None:
    title = f"Guest night {uuid.uuid4().hex[:6]}"
    host_account = await register(http, api_url, "facilitator", "Hana Host")
    occurrence_id = await one_meeting(http, api_url, host_account, title, capacity=4)
    guest_email = f"gina-{uuid.uuid4().hex[:8]}@example.org"

    host = await _open(browser, api_url, users, DESKTOP)
    await host.sign_in(host_account["email"], PASSWORD)
    page = host.page
    await page.goto("/dashboard")
    meeting = _item(page, title, "Your upcoming meetings")
    await meeting.get_by_role("button", name=f"Invite people to {title}").click()
    addresses = meeting.get_by_label("Email addresses")
    await addresses.fill("not-an-address")
    await meeting.get_by_role("button", name="Send invitations").click()
    await expect(meeting.get_by_role("alert")).to_contain_text("Nobody was invited")
    await addresses.fill(guest_email)
    await meeting.get_by_label("Hold a seat for (minutes)").fill("30")
    await meeting.get_by_role("button", name="Send invitations").click()
    await expect(meeting.get_by_role("status")).to_contain_text(
        f"Invited {guest_email} (guest link by mail)."
    )
    invited = meeting.get_by_role("list", name=f"Invitations to {title}")
    await expect(invited.locator("li", has_text=guest_email)).to_contain_text("guest · invited")

    link = await guest_link(stack, guest_email)
    guest = await _open(browser, api_url, users, PHONE)
    await guest.page.goto(link)
    await expect(guest.page.get_by_role("heading", name="You are invited")).to_be_visible()
    await expect(guest.page.get_by_role("heading", name=title)).to_be_visible()
    await guest.page.get_by_label("Your name").fill("Gina Guest")
    await guest.page.get_by_role("button", name="Join the session").click()
    await guest.page.get_by_role("button", name="Join", exact=True).click()  # the pre-join screen
    await expect(guest.page.get_by_role("heading", name=title, level=1)).to_be_visible()
    await expect(guest.page.locator(".room-layout")).to_be_visible()

    # the facilitator, in a second tab, sees the guest in the room under that name
    room = await host.context.new_page()
    await room.goto(f"/room/{occurrence_id}")
    await room.get_by_role("button", name="Join", exact=True).click()
    await room.get_by_role("tab", name="People").click()
    people = room.get_by_role("list", name="People in the room")
    await expect(people.locator("li", has_text="Gina Guest")).to_contain_text(
        "guest", timeout=SEEN_WITHIN_MS
    )
    # on a phone the side panel starts closed; People is behind "More"
    await guest.page.get_by_role("button", name="More").click()
    # a guest may not share a screen (their token does not allow it): no button offers it
    await expect(guest.page.get_by_role("button", name="Share screen")).to_have_count(0)
    await guest.page.get_by_role("button", name="People").click()
    await expect(
        guest.page.get_by_role("list", name="People in the room").locator("li", has_text="Hana")
    ).to_be_visible(timeout=SEEN_WITHIN_MS)
    await expect(invited.locator("li", has_text=guest_email)).to_contain_text(
        "Gina Guest", timeout=SEEN_WITHIN_MS
    )
    await expect(invited.locator("li", has_text=guest_email)).to_contain_text("has a seat")
    await host.screenshot("invite-panel")
    await guest.screenshot("guest-in-room-phone")

    await page.bring_to_front()
    row = invited.locator("li", has_text=guest_email)
    await row.get_by_role("button", name=f"Withdraw the invitation of {guest_email}").click()
    await expect(meeting.get_by_role("status")).to_contain_text(
        f"Withdrew the invitation of {guest_email}."
    )
    await expect(row).to_contain_text("withdrawn")

    await guest.page.goto("/sign-in")  # off the room, then the link again
    await guest.page.goto(link)
    await expect(
        guest.page.get_by_role("heading", name="This invitation was withdrawn")
    ).to_be_visible()
    await expect(guest.page.get_by_role("alert")).to_contain_text(
        "Hana Host withdrew this invitation; the link no longer works."
    )
    await guest.screenshot("guest-link-withdrawn-phone")
    token = link.split("#", 1)[1]
    await guest.page.goto(f"/guest#{token[:-4]}xxxx")  # a link cut short or mistyped
    await expect(
        guest.page.get_by_role("heading", name="This invitation link does not work")
    ).to_be_visible()
    await expect(guest.page.get_by_role("alert")).to_contain_text("Open the whole link")
    refused = await guest.context.request.post("/api/guest/token", data={"token": token})
    assert refused.status == 410, await refused.text()
    for user in users:
        assert user.remote_requests() == []


async def test_a_seated_guest_makes_an_account_from_the_link_and_signs_in_with_it(
    browser: Browser,  # noqa: F811
    api_url: str,
    stack: RunningStack,
    http: aiohttp.ClientSession,
    users: list[WebUser],
) -> None:
    title = f"Guest to member {uuid.uuid4().hex[:6]}"
    host_account = await register(http, api_url, "facilitator", "Hana Host")
    occurrence_id = await one_meeting(http, api_url, host_account, title, capacity=4)
    guest_email = f"gil-{uuid.uuid4().hex[:8]}@example.org"
    await post_as(
        http,
        f"{api_url}/api/occurrences/{occurrence_id}/invitations",
        host_account["token"],
        {"emails": [guest_email]},
    )
    link = await guest_link(stack, guest_email)
    token = link.split("#", 1)[1]
    async with http.post(
        f"{api_url}/api/guest/accept", json={"token": token, "display_name": "Gil"}
    ) as reply:
        assert reply.status == 200, await reply.text()  # the guest took their seat earlier

    guest = await _open(browser, api_url, users, PHONE)
    await guest.page.goto(link)
    offer = guest.page.get_by_role("region", name="Keep what you did here")
    await expect(offer).to_be_visible()
    await expect(offer.get_by_label("Name on your account")).to_have_value("Gil")
    await guest.screenshot("guest-account-offer-phone")
    await offer.get_by_label("Choose a password").fill(PASSWORD)
    await offer.get_by_role("button", name="Make my account").click()
    await expect(guest.page.get_by_role("heading", name="You have an account now")).to_be_visible()
    await guest.screenshot("guest-account-made-phone")

    async with http.post(
        f"{api_url}/api/auth/sign-in", json={"email": guest_email, "password": PASSWORD}
    ) as reply:
        assert reply.status == 200, await reply.text()
        signed = await reply.json()
    assert signed["user"]["display_name"] == "Gil" and signed["user"]["role"] == "participant"
    for user in users:
        assert user.remote_requests() == []


async def test_a_member_accepts_invitations_on_the_dashboard_seat_or_waitlist(
    browser: Browser,  # noqa: F811
    api_url: str,
    http: aiohttp.ClientSession,
    users: list[WebUser],
) -> None:
    open_title = f"Invited club {uuid.uuid4().hex[:6]}"
    full_title = f"Full club {uuid.uuid4().hex[:6]}"
    host = await register(http, api_url, "facilitator", "Hana Host")
    member = await register(http, api_url, "participant", "Mia Member")
    other = await register(http, api_url, "participant", "Otto Other")
    open_id = await one_meeting(http, api_url, host, open_title, capacity=3)
    full_id = await one_meeting(http, api_url, host, full_title, capacity=1)
    await post_as(http, f"{api_url}/api/occurrences/{full_id}/bookings", other["token"], {})
    for occurrence in (open_id, full_id):
        await post_as(
            http,
            f"{api_url}/api/occurrences/{occurrence}/invitations",
            host["token"],
            {"emails": [member["email"]]},
        )

    user = await _open(browser, api_url, users, DESKTOP)
    await user.sign_in(member["email"], PASSWORD)
    page = user.page
    await page.goto("/dashboard")
    invitations = page.get_by_role("region", name="Your invitations")
    await expect(invitations.locator("li", has_text=open_title)).to_contain_text(
        "Waiting for your answer"
    )
    await invitations.get_by_role("button", name=f"Accept the invitation to {open_title}").click()
    await expect(invitations.get_by_role("status")).to_have_text(
        f"Accepted: you have a seat in {open_title}."
    )
    booked = _item(page, open_title, "Your upcoming sessions")
    await expect(booked.get_by_role("link", name=f"Join {open_title}")).to_be_visible()

    await invitations.get_by_role("button", name=f"Accept the invitation to {full_title}").click()
    await expect(invitations.get_by_role("status")).to_contain_text(
        f"{full_title} is full: you are on the waitlist (#1)"
    )
    waiting = _item(page, full_title, "Your upcoming sessions")
    await expect(waiting.get_by_text("Waitlist #1")).to_be_visible()
    await expect(invitations.get_by_role("button", name=re.compile("^Accept"))).to_have_count(0)

    reminders = page.get_by_label(re.compile("Remind me by mail"))
    await expect(reminders).to_be_checked()
    await reminders.uncheck()
    await expect(reminders).not_to_be_checked()
    headers = {"Authorization": f"Bearer {member['token']}"}
    async with http.get(api_url + "/api/me/mail", headers=headers) as reply:
        assert (await reply.json())["reminders"] is False
    await user.screenshot("dashboard-invitations")
    assert user.remote_requests() == []
