"""The review page in Chromium on a phone: the dashboard shows what is due, a round of
review is done with the keyboard alone (Space shows the answer, 3 and 4 rate), the server
schedules each card, and the notebook page lists the words. Screenshots in test-artifacts/."""

from __future__ import annotations

import aiohttp
from playwright.async_api import Browser, expect

from tests.support.api_client import PASSWORD
from tests.support.browser import (  # noqa: F401  (browser is a fixture)
    PHONE,
    WebUser,
    browser,
    open_user,
)
from tests.support.waiting import eventually
from tests.support.web_api import one_meeting, post_as, register


async def _star(http: aiohttp.ClientSession, api_url: str, token: str, word: str) -> None:
    saved = await post_as(http, f"{api_url}/api/me/notebook", token, {"word": word})
    headers = {"Authorization": f"Bearer {token}"}
    async with http.patch(
        f"{api_url}/api/me/notebook/{saved['id']}", json={"starred": True}, headers=headers
    ) as reply:
        assert reply.status == 200, await reply.text()


async def test_a_review_round_by_keyboard_on_a_phone(
    browser: Browser,  # noqa: F811
    api_url: str,
    http: aiohttp.ClientSession,
    users: list[WebUser],
) -> None:
    learner = await register(http, api_url, "participant", "Lena")
    for word in ("serendipity", "ubiquitous"):
        await _star(http, api_url, learner["token"], word)

    user = await open_user(browser, api_url, PHONE)
    users.append(user)
    await user.sign_in(learner["email"], PASSWORD)
    page = user.page
    await page.goto("/dashboard")
    await expect(page.get_by_test_id("dashboard-due")).to_have_text("2 words due for review.")
    await page.get_by_role("link", name="Review (2)").click()
    await expect(page.get_by_test_id("due-count")).to_have_text("2 due · 0 reviewed")

    seen = []
    for key in ("3", "4"):
        card = page.get_by_role("article")
        await expect(card).to_be_visible()
        word = (await card.get_attribute("aria-label") or "").removeprefix("Card: ")
        seen.append(word)
        await expect(card.get_by_role("group")).to_have_count(0)  # the answer waits
        await page.keyboard.press("Space")
        await expect(card.locator(".review-definition")).not_to_be_empty()
        await expect(card.get_by_role("button", name="Good (3)")).to_be_visible()
        if key == "3":
            assert await user.has_no_horizontal_overflow(), "the review card fits a phone"
            await user.screenshot("vocabulary-review-phone")
        await page.keyboard.press(key)
        await expect(page.get_by_test_id("due-count")).to_contain_text(f"{len(seen)} reviewed")
    assert sorted(seen) == ["serendipity", "ubiquitous"]
    await expect(page.get_by_role("heading", name="All caught up")).to_be_visible()
    await expect(page.get_by_test_id("due-count")).to_have_text("0 due · 2 reviewed")

    headers = {"Authorization": f"Bearer {learner['token']}"}
    async with http.get(f"{api_url}/api/me/review/count", headers=headers) as reply:
        assert await reply.json() == {"due_count": 0, "total": 2}, "both answers were kept"

    await page.get_by_role("link", name="Open your notebook").click()
    await expect(page.get_by_role("heading", name="My notebook")).to_be_visible()
    await expect(page.get_by_role("button", name="Unstar serendipity")).to_be_visible()
    await page.get_by_label("Search my words").fill("ubiq")
    await page.get_by_role("button", name="Search", exact=True).click()
    await expect(page.locator(".notebook-word")).to_have_count(1)
    await expect(page.locator(".notebook-word strong")).to_have_text("ubiquitous")
    assert await user.has_no_horizontal_overflow(), "the notebook fits a phone"
    await user.screenshot("vocabulary-notebook-phone")
    # both pages open by their own address too (a bookmark, a reload)
    await page.goto("/review")
    await expect(page.get_by_role("heading", name="All caught up")).to_be_visible()
    await page.goto("/notebook")
    await expect(page.locator(".notebook-word")).to_have_count(2)


async def test_words_tapped_in_chat_and_looked_up_in_the_room_are_kept(
    browser: Browser,  # noqa: F811
    api_url: str,
    http: aiohttp.ClientSession,
    users: list[WebUser],
) -> None:
    host = await register(http, api_url, "facilitator", "Hana Host")
    learner = await register(http, api_url, "participant", "Pim Participant")
    occurrence_id = await one_meeting(http, api_url, host, "Tap check", capacity=4)
    booking = f"{api_url}/api/occurrences/{occurrence_id}/bookings"
    await post_as(http, booking, learner["token"], {})

    user = await open_user(browser, api_url, PHONE)
    users.append(user)
    await user.sign_in(learner["email"], PASSWORD)
    page = user.page
    await page.goto(f"/room/{occurrence_id}")
    await page.get_by_role("button", name="Join", exact=True).click()  # the pre-join screen
    await expect(page.get_by_role("heading", name="Tap check")).to_be_visible()
    message = page.get_by_role("textbox", name="Message")
    chat = page.get_by_role("button", name="Chat", exact=True)
    await expect(message.or_(chat).first).to_be_visible()
    if not await message.is_visible():  # on a phone the chat may start folded away
        await chat.click()
    await message.fill("The view was breathtaking tonight. See you soon!")
    await message.press("Enter")
    log = page.get_by_role("log", name="Chat messages")
    await log.locator(".tap-word", has_text="breathtaking").click()
    # the dictionary panel opens on the word
    await expect(page.locator(".dictionary")).to_contain_text("breathtaking", timeout=10_000)
    lookup = page.get_by_role("searchbox", name="Word or phrase to look up")
    await lookup.fill("ubiquitous")
    await lookup.press("Enter")
    await expect(page.locator(".dictionary")).to_contain_text("present everywhere")

    headers = {"Authorization": f"Bearer {learner['token']}"}

    async def kept() -> list[tuple[str, str, str | None, int | None]] | None:
        async with http.get(f"{api_url}/api/me/notebook?sort=word", headers=headers) as reply:
            words = (await reply.json())["words"]
        found = [(w["word"], w["source"], w["example"], w["occurrence_id"]) for w in words]
        return found if len(found) == 2 else None

    assert await eventually(kept, within=10, what="both words in the notebook") == [
        ("breathtaking", "tap", "The view was breathtaking tonight.", occurrence_id),
        ("ubiquitous", "lookup", None, occurrence_id),
    ]
