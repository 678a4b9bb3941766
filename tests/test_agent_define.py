"""``/define`` and ``/help`` in the chat: answered to the asker only, readable in any chat window,
helpful for words, forms, phrases, misspellings and nonsense alike; fired too fast, held back."""

from __future__ import annotations

import asyncio

from colearn.wire import AGENT_IDENTITY
from db.chat import message_count, messages_after
from db.vocabulary import lookups_of
from tests.support.agent_room import Person, join, stored
from tests.support.chat_client import send_both_forms, send_chat, send_legacy_chat
from tests.support.stack import RunningStack
from tests.support.waiting import eventually

# Long enough for a second reply to have arrived if the agent were going to send one.
SETTLE_S = 1.0


async def _ask(person: Person, command: str) -> str:
    before = len(person.inbox.from_sender(AGENT_IDENTITY))
    await send_chat(person.rtc.room, command)
    reply = await person.inbox.next_from(
        AGENT_IDENTITY, after=before, within=10, what=f"the agent's answer to {command[:30]!r}"
    )
    return reply.text


async def test_define_answers_words_forms_phrases_and_misspellings(
    stack: RunningStack, room_name: str
) -> None:
    alice = await join(stack, room_name, "alice")
    bob = await join(stack, room_name, "bob")
    try:
        plain = await _ask(alice, "/define river")
        first_line, *senses = plain.splitlines()
        assert first_line.startswith("river /") and first_line.count("/") == 2, "IPA"
        assert senses[0].startswith("1. (noun) ")
        assert senses[1].strip().startswith('e.g. "'), "an example"
        assert len(senses) <= 8, "short enough for a chat window"

        inflected = await _ask(alice, "/define went")
        assert inflected.startswith("go /")
        assert '"went"' in inflected and "past tense" in inflected
        assert "e.g." in inflected, "an example"

        phrase = await _ask(alice, "/define break the ice")
        assert phrase.startswith("break the ice")
        assert "1. (verb)" in phrase

        misspelt = await _ask(alice, "/define recieve")
        assert "Did you mean" in misspelt and "receive" in misspelt

        await asyncio.sleep(SETTLE_S)
        assert bob.inbox.from_sender(AGENT_IDENTITY) == [], "answers go to the asker only"
    finally:
        await alice.aclose()
        await bob.aclose()


async def test_define_of_nothing_or_nonsense_gets_advice(
    stack: RunningStack, room_name: str
) -> None:
    alice = await join(stack, room_name, "alice")
    try:
        for nonsense, advice in [
            ("/define", "There is no word to look up"),
            ("/define " + "a" * 500, "at most 64"),
            ("/define !!! ???", "at least one letter"),
            ("/define qzxqzxqzx", "Check the spelling"),
        ]:
            reply = await _ask(alice, nonsense)
            assert advice in reply, (nonsense[:20], reply)
            assert reply.count("\n") <= 3
    finally:
        await alice.aclose()


async def test_help_and_unknown_commands_get_a_helpful_answer(
    stack: RunningStack, room_name: str
) -> None:
    carol = await join(stack, room_name, "carol")
    try:
        help_text = await _ask(carol, "/help")
        assert "/define" in help_text and "/help" in help_text
        unknown = await _ask(carol, "/shrug")
        assert "/shrug" in unknown and "/define" in unknown
        # a command also stays in the chat, as everyone saw it
        async with stored(stack) as db:
            bodies = [m.body for m in await messages_after(db, room_name=room_name)]
        assert bodies == ["/help", "/shrug"]
    finally:
        await carol.aclose()


async def test_a_command_sent_in_both_forms_is_answered_once(
    stack: RunningStack, room_name: str
) -> None:
    dave = await join(stack, room_name, "dave")
    try:
        await send_both_forms(dave.rtc.room, "/define cat")
        reply = await dave.inbox.next_from(AGENT_IDENTITY, after=0, what="the answer")
        assert reply.text.startswith("cat /")
        await send_legacy_chat(dave.rtc.room, "/define dog", "legacy-define-dog")
        reply = await dave.inbox.next_from(AGENT_IDENTITY, after=1, what="the second answer")
        assert reply.text.startswith("dog /")
        await asyncio.sleep(SETTLE_S)
        assert len(dave.inbox.from_sender(AGENT_IDENTITY)) == 2
    finally:
        await dave.aclose()


async def test_commands_fired_too_fast_are_held_back_with_one_notice(
    stack: RunningStack, room_name: str
) -> None:
    erin = await join(stack, room_name, "erin")
    try:
        words = ["apple", "river", "mountain", "happy", "quickly", "table", "window", "garden"]
        await asyncio.gather(*(send_chat(erin.rtc.room, f"/define {w}") for w in words))
        await eventually(
            lambda: len(erin.inbox.from_sender(AGENT_IDENTITY)) >= 6, within=10, what="answers"
        )
        await asyncio.sleep(SETTLE_S)
        replies = [m.text for m in erin.inbox.from_sender(AGENT_IDENTITY)]
        notices = [r for r in replies if "Try again in" in r]
        assert len(notices) == 1, replies
        assert len(replies) == 6, "five answers at once, then one notice, then quiet"
        # after a pause the participant may ask again
        await asyncio.sleep(2)
        assert (await _ask(erin, "/define river")).startswith("river /")
    finally:
        await erin.aclose()


async def test_looked_up_words_are_kept_for_the_asker_with_their_sentence(
    stack: RunningStack, room_name: str
) -> None:
    frank = await join(stack, room_name, "frank")
    gina = await join(stack, room_name, "gina")
    try:
        await send_chat(
            gina.rtc.room, "Hello! Finding this café was pure serendipity. Great coffee."
        )

        async def said() -> bool | None:
            async with stored(stack) as db:
                return await message_count(db, room_name) == 1 or None

        # Gina's sentence has been said before Frank asks: LiveKit promises no order
        # between two participants' messages, so "before" is made sure of here
        await eventually(said, within=10, what="gina's sentence stored")
        await _ask(frank, "/define serendipity")
        await _ask(frank, "/define went")

        async def notebook() -> list[tuple[str, str, str | None]] | None:
            async with stored(stack) as db:
                entries = await lookups_of(db, "frank")
            mine = [
                (e.lookup.query, e.lookup.headword, e.lookup.context)
                for e in entries
                if e.room_name == room_name
            ]
            return mine if len(mine) == 2 else None

        entries = await eventually(notebook, within=10, what="frank's notebook")
        assert entries == [
            ("serendipity", "serendipity", "Finding this café was pure serendipity."),
            ("went", "go", None),
        ]
    finally:
        await frank.aclose()
        await gina.aclose()
