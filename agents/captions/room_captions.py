"""Captions in one room: each published microphone is transcribed and published back.

Captions go out as standard LiveKit transcriptions (a text stream on ``lk.transcription``
whose sender identity is the speaker, with the transcribed track and segment ids), plus the
legacy transcription packet for older clients, and each final segment is stored.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from contextlib import suppress
from datetime import UTC, datetime, timedelta

from livekit import rtc
from livekit.agents import stt
from livekit.agents.types import (
    ATTRIBUTE_TRANSCRIPTION_FINAL,
    ATTRIBUTE_TRANSCRIPTION_SEGMENT_ID,
    ATTRIBUTE_TRANSCRIPTION_TRACK_ID,
)

from agents.captions.engines import SAMPLE_RATE
from agents.captions.language_notice import LanguageNotice
from agents.captions.service import CaptionService
from agents.captions.stats import STATS
from agents.metrics import CAPTION_LAG, CAPTIONS_PUBLISHED
from agents.store import WorkerStore
from colearn.wire import TRANSCRIPTION_TOPIC
from db.transcripts import Segment, insert_segment, settings_of

log = logging.getLogger("colearn.agent.captions")

SETTINGS_POLL_S = 5.0


class RoomCaptions:
    def __init__(self, room: rtc.Room, store: WorkerStore, service: CaptionService) -> None:
        self._room = room
        self._store = store
        self._service = service
        self._tracks: dict[str, asyncio.Task[None]] = {}
        self._enabled = False
        self._occurrence_id: int | None = None
        self._language = service.config.language
        self._notice = LanguageNotice(room)
        self._watcher: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._notice.start()
        await self._apply_settings()
        self._room.on("track_published", self._on_published)
        self._room.on("track_subscribed", self._on_subscribed)
        self._room.on("track_unsubscribed", self._on_unsubscribed)
        self._watcher = asyncio.create_task(self._watch_settings(), name="captions-settings")

    async def aclose(self) -> None:
        if self._watcher is not None:
            self._watcher.cancel()
        await self._notice.aclose()
        await self._stop_all()

    # -- which tracks we listen to --------------------------------------------------------

    async def _apply_settings(self) -> None:
        settings = await self._store.read(settings_of, self._room.name)
        self._occurrence_id = settings.occurrence_id
        # the session's language (English if the model knows no other: the room is told)
        self._language = self._service.language_for(settings.language)
        self._notice.update(settings.language, self._language, enabled=settings.enabled)
        if settings.enabled == self._enabled:
            return
        self._enabled = settings.enabled
        log.info("captions %s in %s", "on" if self._enabled else "off", self._room.name)
        for participant in self._room.remote_participants.values():
            for publication in participant.track_publications.values():
                if _is_microphone(publication):
                    publication.set_subscribed(self._enabled)
        if not self._enabled:
            await self._stop_all()

    async def _watch_settings(self) -> None:
        # A facilitator may switch captions off (or on) while the room is live.
        while True:
            await asyncio.sleep(SETTINGS_POLL_S)
            try:
                await self._apply_settings()
            except Exception:
                log.exception("could not read caption settings for %s", self._room.name)

    def _on_published(
        self, publication: rtc.RemoteTrackPublication, participant: rtc.RemoteParticipant
    ) -> None:
        if self._enabled and _is_microphone(publication):
            publication.set_subscribed(True)

    def _on_subscribed(
        self,
        track: rtc.Track,
        publication: rtc.RemoteTrackPublication,
        participant: rtc.RemoteParticipant,
    ) -> None:
        if not self._enabled or not _is_microphone(publication) or publication.sid in self._tracks:
            return
        task = asyncio.create_task(
            self._caption_track(track, publication.sid, participant),
            name=f"captions-{publication.sid}",
        )
        self._tracks[publication.sid] = task
        task.add_done_callback(lambda _: self._tracks.pop(publication.sid, None))

    def _on_unsubscribed(
        self,
        track: rtc.Track,
        publication: rtc.RemoteTrackPublication,
        participant: rtc.RemoteParticipant,
    ) -> None:
        task = self._tracks.get(publication.sid)
        if task is not None:
            task.cancel()

    async def _stop_all(self) -> None:
        tasks = list(self._tracks.values())
        for task in tasks:
            task.cancel()
        for task in tasks:
            with suppress(asyncio.CancelledError):
                await task

    # -- one speaker ----------------------------------------------------------------------

    async def _caption_track(
        self, track: rtc.Track, track_sid: str, speaker: rtc.RemoteParticipant
    ) -> None:
        audio = rtc.AudioStream(track, sample_rate=SAMPLE_RATE, num_channels=1)
        speech = self._service.utterance_stt().stream(language=self._language)

        async def forward() -> None:
            async for event in audio:
                speech.push_frame(event.frame)
            speech.end_input()

        forwarding = asyncio.create_task(forward(), name=f"captions-audio-{track_sid}")
        STATS.speakers_change(+1)
        log.info("captioning %s in %s", speaker.identity, self._room.name)
        try:
            async for event in speech:
                if event.type == stt.SpeechEventType.INTERIM_TRANSCRIPT and event.alternatives:
                    await self._send(
                        event.request_id,
                        event.alternatives[0].text.strip(),
                        track_sid,
                        speaker,
                        final=False,
                    )
                elif event.type == stt.SpeechEventType.FINAL_TRANSCRIPT and event.alternatives:
                    await self._publish(event, track_sid, speaker)
        finally:
            STATS.speakers_change(-1)
            forwarding.cancel()
            with suppress(asyncio.CancelledError):
                await forwarding
            await speech.aclose()
            await audio.aclose()

    async def _publish(
        self, event: stt.SpeechEvent, track_sid: str, speaker: rtc.RemoteParticipant
    ) -> None:
        data = event.alternatives[0]
        text = data.text.strip()
        if not text:
            return
        ended = (
            datetime.fromtimestamp(event.speech_end_time, UTC)
            if event.speech_end_time is not None
            else datetime.now(UTC)
        )
        segment = Segment(
            segment_id=event.request_id or f"SG_{uuid.uuid4().hex[:16]}",
            speaker_identity=speaker.identity,
            speaker_name=speaker.name,
            track_sid=track_sid,
            text=text,
            started_at=ended - timedelta(seconds=data.end_time - data.start_time),
            ended_at=ended,
        )
        await self._send(segment.segment_id, text, track_sid, speaker, final=True)
        CAPTIONS_PUBLISHED.inc()
        if event.speech_end_time is not None:
            CAPTION_LAG.observe(max(0.0, time.time() - event.speech_end_time))
        room, occurrence_id = self._room.name, self._occurrence_id
        # through the worker's one store, in order with the room's chat and presence writes
        await asyncio.wrap_future(self._store.write(insert_segment, room, occurrence_id, segment))
        log.debug("caption stored in %s for %s", self._room.name, speaker.identity)

    async def _send(
        self,
        segment_id: str,
        text: str,
        track_sid: str,
        speaker: rtc.RemoteParticipant,
        *,
        final: bool,
    ) -> None:
        if not text:
            return
        try:
            writer = await self._room.local_participant.stream_text(
                topic=TRANSCRIPTION_TOPIC,
                sender_identity=speaker.identity,
                attributes={
                    ATTRIBUTE_TRANSCRIPTION_FINAL: "true" if final else "false",
                    ATTRIBUTE_TRANSCRIPTION_SEGMENT_ID: segment_id,
                    ATTRIBUTE_TRANSCRIPTION_TRACK_ID: track_sid,
                },
            )
            await writer.write(text)
            await writer.aclose()
            # livekit-client before protocol 16 shows only the legacy transcription packet
            await self._room.local_participant.publish_transcription(
                rtc.Transcription(
                    participant_identity=speaker.identity,
                    track_sid=track_sid,
                    segments=[
                        rtc.TranscriptionSegment(
                            id=segment_id,
                            text=text,
                            start_time=0,
                            end_time=0,
                            language=self._language,
                            final=final,
                        )
                    ],
                )
            )
        except Exception:
            log.exception("could not publish a caption in %s", self._room.name)


def _is_microphone(publication: rtc.TrackPublication) -> bool:
    return publication.kind == rtc.TrackKind.KIND_AUDIO and publication.source in (
        rtc.TrackSource.SOURCE_MICROPHONE,
        rtc.TrackSource.SOURCE_UNKNOWN,
    )
