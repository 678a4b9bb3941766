"""A session in a language the server's speech model cannot caption: the room is told so."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from api.room_tokens import PARTICIPANT, room_token
from colearn.wire import AGENT_IDENTITY
from db import Database, occurrences
from tests.support.api_client import running_api
from tests.support.chat_client import ChatInbox
from tests.support.rtc_client import RtcParticipant
from tests.support.stack import RunningStack
from tests.support.waiting import eventually


async def _join(stack: RunningStack, room: str, person: RtcParticipant) -> None:
    token = room_token(
        stack.livekit_config,
        room=room,
        identity=person.identity,
        name=person.identity.title(),
        role=PARTICIPANT,
        ttl=timedelta(minutes=5),
    )
    await person.connect(stack.settings.ws_url, token)


async def test_a_spanish_session_hears_once_that_captions_here_are_english_only(
    stack: RunningStack,
) -> None:
    # The bundled model is tiny.en: no multilingual Whisper model is obtainable offline.
    async with running_api(stack.db_url) as api:
        ada = await api.register("facilitator")
        session = await api.create_session(ada, language="es")
        english = await api.create_session(ada)
    db = await Database.open(stack.db_url, run_migrations=False)
    try:
        rooms = [
            found.room_name
            for s in (session, english)
            if (found := await occurrences.occurrence(db, s["occurrences"][0]["id"])) is not None
        ]
    finally:
        await db.aclose()
    early, late, other = RtcParticipant("early"), RtcParticipant("late"), RtcParticipant("other")
    early_inbox, late_inbox, other_inbox = (
        ChatInbox(early.room),
        ChatInbox(late.room),
        ChatInbox(other.room),
    )
    try:
        await _join(stack, rooms[0], early)
        await _join(stack, rooms[1], other)
        told = await early_inbox.next_from(AGENT_IDENTITY, after=0, within=15)
        assert "English only" in told.text and "'es'" in told.text
        await _join(stack, rooms[0], late)
        told_late = await late_inbox.next_from(AGENT_IDENTITY, after=0, within=10)
        assert told_late.text == told.text
        await asyncio.sleep(6)  # past the agent's next look at the session's settings
        assert len(early_inbox.from_sender(AGENT_IDENTITY)) == 1  # once each
        assert len(late_inbox.from_sender(AGENT_IDENTITY)) == 1
        await eventually(
            lambda: other.room.remote_participants.get(AGENT_IDENTITY),
            within=10,
            what="the agent in the English session's room",
        )
        assert other_inbox.from_sender(AGENT_IDENTITY) == []  # an English session: no notice
    finally:
        for person in (early, late, other):
            await person.aclose()
        for inbox in (early_inbox, late_inbox, other_inbox):
            await inbox.aclose()
