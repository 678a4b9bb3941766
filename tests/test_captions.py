"""Live captions end to end: a speaker's microphone becomes lk.transcription text for others."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import jiwer
import numpy as np
from livekit import rtc

from api.room_tokens import PARTICIPANT, room_token
from colearn.wire import AGENT_IDENTITY, TRANSCRIPTION_TOPIC
from db import Database, occurrences
from db.transcripts import room_segments
from tests.support.api_client import running_api
from tests.support.rtc_client import RtcParticipant
from tests.support.speech import speak
from tests.support.stack import RunningStack
from tests.support.waiting import eventually

SENTENCE = "Learning a new language takes time, patience and a lot of practice every day."
MAX_WORD_ERROR_RATE = 0.2


@dataclass
class Caption:
    sender: str
    text: str
    attributes: dict[str, str]
    arrived: float = field(default_factory=time.time)


class CaptionListener(RtcParticipant):
    """A participant that shows captions, the way any LiveKit client reads them."""

    def __init__(self, identity: str) -> None:
        super().__init__(identity)
        self.captions: list[Caption] = []
        self.room.register_text_stream_handler(TRANSCRIPTION_TOPIC, self._on_caption)

    def _on_caption(self, reader: rtc.TextStreamReader, participant_identity: str) -> None:
        async def read() -> None:
            text = await reader.read_all()
            self.captions.append(Caption(participant_identity, text, dict(reader.info.attributes)))

        self._spawn(read())


def _finals(listener: CaptionListener) -> list[Caption]:
    return [c for c in listener.captions if c.attributes["lk.transcription_final"] == "true"]


def _normalise(text: str) -> str:
    return jiwer.RemovePunctuation()(text.lower()).strip()


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


async def _join_with_agent(
    stack: RunningStack, room: str, listener: CaptionListener, speaker: RtcParticipant
) -> None:
    """Both join; the test goes on once the agent is in the room too."""
    await _join(stack, room, listener)
    await _join(stack, room, speaker)
    await eventually(
        lambda: listener.room.remote_participants.get(AGENT_IDENTITY),
        within=10,
        what="the agent to join",
    )


async def test_speech_is_captioned_for_other_participants_and_stored(
    stack: RunningStack, room_name: str, tmp_path: Path
) -> None:
    speech = speak(SENTENCE, tmp_path)
    speaker, listener = RtcParticipant("speaker"), CaptionListener("listener")
    try:
        await _join_with_agent(stack, room_name, listener, speaker)
        publication = await speaker.publish_speech(speech)

        def heard_all() -> bool:
            said = " ".join(c.text for c in _finals(listener))
            return len(said.split()) >= len(SENTENCE.split()) * 0.8

        await eventually(heard_all, within=30, what="captions of the whole sentence")
        await asyncio.sleep(1.5)  # a last segment may still be on its way
    finally:
        await speaker.aclose()
        await listener.aclose()

    finals = _finals(listener)
    heard = " ".join(c.text for c in finals)
    error_rate = jiwer.wer(_normalise(SENTENCE), _normalise(heard))
    assert error_rate <= MAX_WORD_ERROR_RATE, f"WER {error_rate:.2f}: heard {heard!r}"
    for caption in listener.captions:
        assert caption.sender == "speaker"  # clients attribute the caption to the speaker
        assert caption.attributes["lk.transcribed_track_id"] == publication.sid
        assert caption.attributes["lk.segment_id"]
    # While the speaker is still talking, interim text of the same segment comes first.
    interims = [c for c in listener.captions if c.attributes["lk.transcription_final"] == "false"]
    assert interims, "no interim captions while speaking"
    final_ids = {c.attributes["lk.segment_id"] for c in finals}
    assert {c.attributes["lk.segment_id"] for c in interims} <= final_ids

    db = await Database.open(stack.db_url, run_migrations=False)
    try:
        stored = await eventually(
            lambda: room_segments(db, room_name), within=5, what="the transcript to be stored"
        )
    finally:
        await db.aclose()
    assert [s["text"] for s in stored] == [c.text for c in finals]
    assert {s["speaker_identity"] for s in stored} == {"speaker"}
    assert all(s["started_at"] < s["ended_at"] for s in stored)


async def test_a_muted_microphone_is_not_captioned(
    stack: RunningStack, room_name: str, tmp_path: Path
) -> None:
    speech = speak(SENTENCE, tmp_path)
    speaker, listener = RtcParticipant("muted-speaker"), CaptionListener("listener")
    try:
        await _join_with_agent(stack, room_name, listener, speaker)
        publication = await speaker.publish_speech(speech)
        publication.track.mute()
        # long enough for the sentence to be spoken, cut and transcribed were it heard
        await asyncio.sleep(len(speech) / 48_000 + 4)
    finally:
        await speaker.aclose()
        await listener.aclose()
    assert listener.captions == []


async def test_captions_switched_off_for_a_session_process_no_audio_until_on_again(
    stack: RunningStack, tmp_path: Path
) -> None:
    async with running_api(stack.db_url) as api:
        ada = await api.register("facilitator")
        session = await api.create_session(ada)
        switch = f"/api/sessions/{session['id']}/captions"
        assert (await api.call("PUT", switch, as_=ada, json={"enabled": False})).status == 200
        db = await Database.open(stack.db_url, run_migrations=False)
        try:
            found = await occurrences.occurrence(db, session["occurrences"][0]["id"])
        finally:
            await db.aclose()
        assert found is not None
        room = found.room_name

        sentence = speak(SENTENCE, tmp_path)
        pause = np.zeros(48_000 * 8, dtype=np.int16)  # longer than the agent's settings poll
        speaker, listener = RtcParticipant("speaker"), CaptionListener("listener")
        try:
            await _join_with_agent(stack, room, listener, speaker)
            await speaker.publish_speech(np.concatenate([sentence, pause, sentence]))
            await asyncio.sleep(len(sentence) / 48_000 + 1.5)
            assert listener.captions == [], "captions while switched off"

            assert (await api.call("PUT", switch, as_=ada, json={"enabled": True})).status == 200
            await eventually(
                lambda: listener.captions, within=25, what="captions once switched on again"
            )
        finally:
            await speaker.aclose()
            await listener.aclose()
