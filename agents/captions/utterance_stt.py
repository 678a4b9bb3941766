"""A streaming STT for one speaker: Silero VAD cuts utterances, Whisper transcribes them.

Like livekit-agents' ``stt.StreamAdapter``, plus interim results: while someone is still
speaking, the words so far are transcribed about once a second. With the batching scheduler
they queue behind every final and are dropped first when Whisper cannot keep up; on the older
thread-pool path they run only when the pool is idle. Either way interim work never delays
anybody's final caption by more than one short run. Every event of one utterance carries the
same ``request_id``, which the captioner publishes as the segment id, so clients replace the
interim text with the final.

Interim text does not flicker: a word that two interim runs in a row agree on is fixed, and
later interims of the utterance always start with the fixed words (``StablePrefix``); only
the final may differ.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from contextlib import suppress

from livekit import rtc
from livekit.agents import stt, utils, vad
from livekit.agents.types import (
    DEFAULT_API_CONNECT_OPTIONS,
    NOT_GIVEN,
    APIConnectOptions,
    NotGivenOr,
)

from agents.captions.whisper_stt import WhisperSTT

INTERIM_INTERVAL_S = 1.0
# On the thread-pool path an interim run sees at most the last few seconds: it must be short,
# because a final that arrives meanwhile waits for it (a running transcription cannot be
# interrupted). Batched runs cost by length, so they see the whole utterance (a stable
# prefix needs it) up to nearly Whisper's 30 s window.
INTERIM_MAX_AUDIO_S = 6.0
BATCHED_INTERIM_MAX_AUDIO_S = 28.0
# Silence this long may be the end of the utterance: its final is about to need the pool.
INTERIM_QUIET_S = 0.1


class UtteranceSTT(stt.STT):
    def __init__(self, *, whisper: WhisperSTT, vad_model: vad.VAD, interim: bool = True) -> None:
        super().__init__(capabilities=stt.STTCapabilities(streaming=True, interim_results=interim))
        self._whisper = whisper
        self._vad = vad_model
        self._interim = interim

    @property
    def model(self) -> str:
        return self._whisper.model

    @property
    def provider(self) -> str:
        return self._whisper.provider

    async def _recognize_impl(
        self,
        buffer: utils.AudioBuffer,
        *,
        language: NotGivenOr[str] = NOT_GIVEN,
        conn_options: APIConnectOptions,
    ) -> stt.SpeechEvent:
        return await self._whisper.recognize(buffer, language=language)

    def stream(
        self,
        *,
        language: NotGivenOr[str] = NOT_GIVEN,
        conn_options: APIConnectOptions = DEFAULT_API_CONNECT_OPTIONS,
    ) -> stt.RecognizeStream:
        return _UtteranceStream(self, language=language, conn_options=conn_options)


class _UtteranceStream(stt.RecognizeStream):
    def __init__(
        self,
        owner: UtteranceSTT,
        *,
        language: NotGivenOr[str],
        conn_options: APIConnectOptions,
    ) -> None:
        super().__init__(stt=owner, conn_options=conn_options)
        self._owner = owner
        self._language = language

    async def _run(self) -> None:
        vad_stream = self._owner._vad.stream()

        async def forward() -> None:
            async for item in self._input_ch:
                if isinstance(item, self._FlushSentinel):
                    vad_stream.flush()
                else:
                    vad_stream.push_frame(item)
            vad_stream.end_input()

        forwarding = asyncio.create_task(forward(), name="utterance-forward")
        try:
            await self._follow(vad_stream)
        finally:
            await utils.aio.cancel_and_wait(forwarding)
            await vad_stream.aclose()

    async def _follow(self, vad_stream: vad.VADStream) -> None:
        utterance = ""
        frames: list[rtc.AudioFrame] = []
        last_interim = 0.0
        interim: asyncio.Task[None] | None = None
        whisper = self._owner._whisper
        stable = StablePrefix()
        try:
            async for event in vad_stream:
                if event.type == vad.VADEventType.START_OF_SPEECH:
                    utterance = f"UT_{uuid.uuid4().hex[:16]}"
                    frames = list(event.frames)
                    stable = StablePrefix()
                    last_interim = time.monotonic()
                    self._event_ch.send_nowait(
                        stt.SpeechEvent(stt.SpeechEventType.START_OF_SPEECH, request_id=utterance)
                    )
                elif event.type == vad.VADEventType.INFERENCE_DONE and utterance:
                    frames.extend(event.frames)
                    due = time.monotonic() - last_interim >= INTERIM_INTERVAL_S
                    talking = event.silence_duration < INTERIM_QUIET_S
                    idle = interim is None or interim.done()
                    if not whisper.batching:
                        idle = idle and whisper.backlog == 0
                    if self._owner._interim and due and talking and idle:
                        last_interim = time.monotonic()
                        interim = asyncio.create_task(
                            self._interim(utterance, list(frames), stable)
                        )
                elif event.type == vad.VADEventType.END_OF_SPEECH and utterance:
                    if interim is not None and not interim.done():
                        interim.cancel()
                    done, utterance = utterance, ""
                    await self._final(done, event)
        finally:
            if interim is not None:
                interim.cancel()
                with suppress(asyncio.CancelledError):
                    await interim

    async def _interim(
        self, utterance: str, frames: list[rtc.AudioFrame], stable: StablePrefix
    ) -> None:
        whisper = self._owner._whisper
        merged = utils.merge_frames(frames)
        seconds = BATCHED_INTERIM_MAX_AUDIO_S if whisper.batching else INTERIM_MAX_AUDIO_S
        keep = int(seconds * merged.sample_rate) * merged.num_channels
        data = merged.data[-keep:]
        clip = rtc.AudioFrame(
            data.tobytes(),
            merged.sample_rate,
            merged.num_channels,
            len(data) // merged.num_channels,
        )
        language = self._language if isinstance(self._language, str) else whisper.language
        text = await whisper.transcribe(clip, language, final=False, key=utterance)
        if not text:
            return
        if whisper.batching and len(data) < keep:  # the whole utterance so far
            text = stable.update(text)
        speech = stt.SpeechData(language=language, text=text, start_time=0.0, end_time=0.0)
        self._event_ch.send_nowait(
            stt.SpeechEvent(
                stt.SpeechEventType.INTERIM_TRANSCRIPT, request_id=utterance, alternatives=[speech]
            )
        )

    async def _final(self, utterance: str, event: vad.VADEvent) -> None:
        speech_end = time.time() - event.silence_duration - event.inference_duration
        self._event_ch.send_nowait(
            stt.SpeechEvent(
                stt.SpeechEventType.END_OF_SPEECH, request_id=utterance, speech_end_time=speech_end
            )
        )
        whisper = self._owner._whisper
        language = self._language if isinstance(self._language, str) else whisper.language
        frame = utils.merge_frames(event.frames)
        # the utterance's key: an interim of it still waiting is dropped, the final goes first
        text = await whisper.transcribe(frame, language, final=True, key=utterance)
        if text:
            speech = stt.SpeechData(
                language=language, text=text, start_time=0.0, end_time=frame.duration
            )
            self._event_ch.send_nowait(
                stt.SpeechEvent(
                    stt.SpeechEventType.FINAL_TRANSCRIPT,
                    request_id=utterance,
                    alternatives=[speech],
                    speech_end_time=speech_end,
                )
            )


class StablePrefix:
    """Interim text whose beginning, once shown twice, stays as it was shown."""

    def __init__(self) -> None:
        self.fixed: list[str] = []
        self._previous: list[str] = []

    def update(self, text: str) -> str:
        words = text.split()
        agreed = 0
        for before, now in zip(self._previous, words, strict=False):
            if _plain(before) != _plain(now):
                break
            agreed += 1
        if agreed > len(self.fixed):
            # as they were shown last time (its punctuation, its casing)
            self.fixed = self.fixed + self._previous[len(self.fixed) : agreed]
        self._previous = words
        return " ".join(self.fixed + words[len(self.fixed) :])


def _plain(word: str) -> str:
    return "".join(c for c in word.lower() if c.isalnum())
