"""A participant as any LiveKit client would be one: LiveKit's Python rtc SDK."""

from __future__ import annotations

import asyncio
import math
from contextlib import suppress

import numpy as np
from livekit import rtc

SAMPLE_RATE = 48_000
FRAME_MS = 10


class RtcParticipant:
    """Joins a room, can publish a tone as its microphone, and records what it receives."""

    def __init__(self, identity: str) -> None:
        self.identity = identity
        self.room = rtc.Room()
        self.audio_frames_from: dict[str, int] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self.room.on("track_subscribed", self._on_track_subscribed)

    async def connect(self, url: str, token: str) -> None:
        await self.room.connect(url, token, rtc.RoomOptions(auto_subscribe=True))

    async def publish_tone(self, frequency: float = 440.0) -> rtc.LocalTrackPublication:
        source = rtc.AudioSource(SAMPLE_RATE, 1)
        track = rtc.LocalAudioTrack.create_audio_track(f"{self.identity}-mic", source)
        options = rtc.TrackPublishOptions(source=rtc.TrackSource.SOURCE_MICROPHONE)
        publication = await self.room.local_participant.publish_track(track, options)
        self._spawn(self._play_tone(source, frequency))
        return publication

    async def publish_speech(self, samples: np.ndarray) -> rtc.LocalTrackPublication:
        """Publish a microphone that plays ``samples`` (48 kHz mono int16) once, in real time,
        then silence, as a person who says one thing and stops."""
        source = rtc.AudioSource(SAMPLE_RATE, 1)
        track = rtc.LocalAudioTrack.create_audio_track(f"{self.identity}-mic", source)
        options = rtc.TrackPublishOptions(source=rtc.TrackSource.SOURCE_MICROPHONE)
        publication = await self.room.local_participant.publish_track(track, options)
        self._spawn(self._play_samples(source, samples))
        return publication

    async def _play_samples(self, source: rtc.AudioSource, samples: np.ndarray) -> None:
        step = SAMPLE_RATE * FRAME_MS // 1000
        silence = np.zeros(step, dtype=np.int16)
        offset = 0
        while True:
            chunk = samples[offset : offset + step] if offset < len(samples) else silence
            if len(chunk) < step:
                chunk = np.concatenate([chunk, silence[: step - len(chunk)]])
            await source.capture_frame(rtc.AudioFrame(chunk.tobytes(), SAMPLE_RATE, 1, step))
            offset += step

    async def _play_tone(self, source: rtc.AudioSource, frequency: float) -> None:
        samples = SAMPLE_RATE * FRAME_MS // 1000
        t = 0
        while True:
            phase = 2 * math.pi * frequency * (np.arange(samples) + t) / SAMPLE_RATE
            pcm = (np.sin(phase) * 8000).astype(np.int16)
            frame = rtc.AudioFrame(pcm.tobytes(), SAMPLE_RATE, 1, samples)
            await source.capture_frame(frame)
            t += samples

    def _on_track_subscribed(
        self,
        track: rtc.Track,
        publication: rtc.RemoteTrackPublication,
        participant: rtc.RemoteParticipant,
    ) -> None:
        if track.kind == rtc.TrackKind.KIND_AUDIO:
            self._spawn(self._count_frames(track, participant.identity))

    async def _count_frames(self, track: rtc.Track, sender: str) -> None:
        stream = rtc.AudioStream(track, sample_rate=SAMPLE_RATE, num_channels=1)
        try:
            async for event in stream:
                if np.abs(np.frombuffer(event.frame.data, dtype=np.int16)).max() > 0:
                    self.audio_frames_from[sender] = self.audio_frames_from.get(sender, 0) + 1
        finally:
            await stream.aclose()

    def _spawn(self, coro) -> None:  # type: ignore[no-untyped-def]
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def aclose(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with suppress(asyncio.CancelledError, Exception):
                await task
        await self.room.disconnect()
