"""Accounts on the web page with the product's default, verification required, in Chromium:
a new learner sees what to do, is told why Book is refused, opens the mailed link from the
developer outbox (``/dev/outbox``, as with ``make run`` and no SMTP server), and can book;
someone who forgot their password asks for a link, sets a new password on the page it opens
and signs in with it. Every page passes axe (no serious or critical violations)."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator

import aiohttp
import pytest_asyncio
from aiohttp import web
from playwright.async_api import Browser, Page, expect

from api.app import create_app
from api.config import ApiConfig
from mail.config import MailConfig
from tests.support.api_client import OFFLINE_LIVEKIT, PASSWORD
from tests.support.axe import describe, violations
from tests.support.browser import (  # noqa: F401  (browser is a fixture)
    DESKTOP,
    PHONE,
    WebUser,
    browser,
    open_user,
)
from tests.support.ports import free_ports
from tests.support.web_api import one_meeting, register

NEW_PASSWORD = "a fresh passphrase for spring"


@pytest_asyncio.fixture(loop_scope="session")
async def careful_url(db_url: str) -> AsyncIterator[str]:
    """The API and page with the defaults `python -m api` has (verification required, no
    SMTP server), its mails' links pointing at itself."""
    (port,) = free_ports(1)
    url = f"http://127.0.0.1:{port}"
    config = ApiConfig(
        db_url=db_url,
        host="127.0.0.1",
        port=port,
        livekit=OFFLINE_LIVEKIT,
        mail=MailConfig(public_url=url),
    )
    assert config.require_email_verification  # the default under test
    runner = web.AppRunner(create_app(config))
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield url
    finally:
        await runner.cleanup()


@pytest_asyncio.fixture(loop_scope="session")
async def person(browser: Browser, careful_url: str) -> AsyncIterator[WebUser]:  # noqa: F811
    user = await open_user(browser, careful_url, DESKTOP)
    try:
        yield user
    finally:
        await user.context.close()


async def _accessible(page: Page, what: str) -> None:
    found = await violations(page)
    assert not found, f"{what}:\n{describe(found)}"


async def _open_mailed_link(page: Page, recipient: str, subject: str) -> str:
    """Open the newest mail to ``recipient`` in /dev/outbox and follow its link; its URL."""
    await page.goto("/dev/outbox")
    row = page.locator("tr", has_text=recipient).filter(has_text=subject).last
    await row.get_by_role("link").click()
    link = page.locator("pre a[href^='http://127.0.0.1:']").first  # the mail's own link
    href = await link.get_attribute("href")
    assert href, await page.content()
    await link.click()
    return href


async def test_a_new_learner_verifies_from_the_mailed_link_and_then_books(
    person: WebUser, careful_url: str
) -> None:
    page = person.page
    async with aiohttp.ClientSession() as http:
        host = await register(http, careful_url, "facilitator", "Hana Host")
        title = f"Verified club {uuid.uuid4().hex[:6]}"
        await one_meeting(http, careful_url, host, title, capacity=4)

    email = f"lena-{uuid.uuid4().hex[:8]}@example.org"
    await page.goto("/sign-up")
    await page.get_by_label("Your name").fill("Lena Learner")
    await page.get_by_label("Email").fill(email)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Create account").click()
    banner = page.get_by_role("region", name="Verify your email address")
    await expect(banner).to_contain_text(f"Check your mail to verify {email}")
    await _accessible(page, "the dashboard with the banner")

    book = page.get_by_role("button", name=re.compile(f"^Book {title}"))
    await book.click()
    refusal = page.get_by_role("alert").filter(has_text="Verify your email address first")
    await expect(refusal).to_contain_text("Send again")
    await banner.get_by_role("button", name="Send again").click()
    await expect(banner).to_contain_text("less than a minute ago")  # the sign-up's mail is new
    await person.screenshot("web-accounts-not-verified")
    await page.set_viewport_size(PHONE)
    assert await person.has_no_horizontal_overflow(), "the banner scrolls sideways on a phone"
    await person.screenshot("web-accounts-not-verified-phone")
    await page.set_viewport_size(DESKTOP)

    link = await _open_mailed_link(page, email, "Confirm your email address")
    assert re.fullmatch(rf"{careful_url}/verify-email#[\w-]+", link), link
    verified = page.get_by_role("heading", name="Your email address is verified")
    await expect(verified).to_be_visible()
    await expect(verified).to_be_focused()
    await expect(page.get_by_role("status")).to_contain_text(f"{email} is confirmed")
    await _accessible(page, "the verified page")

    await page.get_by_role("link", name="Go to your dashboard").click()
    await expect(page.get_by_role("heading", name="Hello, Lena Learner")).to_be_visible()
    await page.get_by_role("button", name=re.compile(f"^Book {title}")).click()
    listed = page.get_by_role("region", name="Open to book").locator("li", has_text=title)
    await expect(listed.get_by_text("Booked", exact=True)).to_be_visible()
    await expect(banner).to_have_count(0)

    await page.goto(link)  # the link works once
    await expect(
        page.get_by_role("heading", name="This link does not work any more")
    ).to_be_visible()
    await expect(page.get_by_role("button", name="Send me a new link")).to_be_visible()
    await _accessible(page, "a used verification link")


async def test_a_forgotten_password_is_reset_from_the_mailed_link(
    person: WebUser, careful_url: str
) -> None:
    page = person.page
    async with aiohttp.ClientSession() as http:
        known = await register(http, careful_url, "participant", "Rosa Reset")

    answers = []
    for email in (f"nobody-{uuid.uuid4().hex[:8]}@example.org", known["email"]):
        await page.goto("/sign-in")
        await page.get_by_role("link", name="Forgot password?").click()
        await expect(page.get_by_role("heading", name="Forgot your password?")).to_be_visible()
        await _accessible(page, "the forgot-password form")
        await page.get_by_label("Email").fill(email)
        await page.get_by_role("button", name="Send me a link").click()
        await expect(page.get_by_role("heading", name="Look in your mail")).to_be_focused()
        answers.append(await page.get_by_role("status").inner_text())
    assert answers[0] == answers[1], answers  # nothing tells which address has an account

    link = await _open_mailed_link(page, known["email"], "Set a new password")
    assert re.fullmatch(rf"{careful_url}/reset-password#[\w-]+", link), link
    await expect(page.get_by_role("heading", name="Set a new password")).to_be_visible()
    await _accessible(page, "the reset form")
    await page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    await page.get_by_label("New password again").fill(NEW_PASSWORD + "!")
    await page.get_by_role("button", name="Set password").click()
    await expect(page.get_by_role("alert")).to_contain_text("The two passwords differ")
    await person.screenshot("web-accounts-reset-form")
    await page.get_by_label("New password", exact=True).fill("short")
    await page.get_by_label("New password again").fill("short")
    await page.get_by_role("button", name="Set password").click()  # the browser refuses it
    assert await page.get_by_label("New password", exact=True).evaluate("e => !e.validity.valid")
    await page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    await page.get_by_label("New password again").fill(NEW_PASSWORD)
    await page.get_by_role("button", name="Set password").click()
    done = page.get_by_role("heading", name="Your new password is set")
    await expect(done).to_be_focused()
    await _accessible(page, "the password-set page")

    await page.get_by_role("link", name="Sign in with your new password").click()
    await page.get_by_label("Email").fill(known["email"])
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_role("alert")).to_be_visible()  # the old password is gone
    await page.get_by_label("Password").fill(NEW_PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_role("heading", name="Hello, Rosa Reset")).to_be_visible()

    await page.goto(link)  # used: the page says so and offers a new one
    await page.get_by_label("New password", exact=True).fill(PASSWORD)
    await page.get_by_label("New password again").fill(PASSWORD)
    await page.get_by_role("button", name="Set password").click()
    await expect(
        page.get_by_role("heading", name="This link does not work any more")
    ).to_be_visible()
    await expect(page.get_by_role("link", name="Ask for a new link")).to_be_visible()


async def test_my_sign_ins_can_be_ended_and_a_new_password_ends_the_others(
    browser: Browser,  # noqa: F811
    careful_url: str,
) -> None:
    async with aiohttp.ClientSession() as http:
        known = await register(http, careful_url, "participant", "Sid Signins")
    here = await open_user(browser, careful_url, PHONE)
    laptop = await open_user(browser, careful_url, DESKTOP)
    tablet = await open_user(browser, careful_url, DESKTOP)
    try:
        for user in (here, laptop, tablet):
            await user.sign_in(known["email"], PASSWORD)
        page = here.page
        await page.goto("/dashboard")
        card = page.get_by_role("region", name="Your account")
        listed = card.get_by_role("list", name="Where you are signed in").get_by_role("listitem")
        # the sign-in used for registering, and these three browsers
        await expect(listed).to_have_count(4)
        await expect(listed.filter(has_text="this browser")).to_have_count(1)
        await _accessible(page, "the account card")
        await here.screenshot("web-accounts-sign-ins-phone")

        # end one other sign-in: that browser is signed out, the others are not
        await card.get_by_role("button", name=re.compile("^Sign out ")).first.click()
        await expect(card.get_by_role("status")).to_contain_text("Signed out")
        await expect(listed).to_have_count(3)
        still = [
            (await user.context.request.get("/api/auth/me")).status for user in (laptop, tablet)
        ]
        assert sorted(still) == [200, 401], still

        # a new password: a wrong current one is refused; then every other sign-in ends
        await card.get_by_label("Current password").fill("not my password")
        await card.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
        await card.get_by_label("New password again").fill(NEW_PASSWORD)
        await card.get_by_role("button", name="Change password").click()
        await expect(card.get_by_role("alert")).to_be_visible()
        await card.get_by_label("Current password").fill(PASSWORD)
        await card.get_by_role("button", name="Change password").click()
        await expect(card.get_by_role("status")).to_contain_text("Password changed; 2 other")
        await expect(listed).to_have_count(1)
        for user in (laptop, tablet):
            assert (await user.context.request.get("/api/auth/me")).status == 401
        assert (await here.context.request.get("/api/auth/me")).status == 200
    finally:
        for user in (here, laptop, tablet):
            await user.context.close()
