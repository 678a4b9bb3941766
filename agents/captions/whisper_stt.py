"""Whisper as a livekit-agents STT: non-streaming, driven per utterance by a VAD.

One instance per worker process. Utterances from every room go to one batching thread
(``agents.captions.scheduler``; ``batch=False`` is the older path: a small pool of threads,
one utterance per Whisper call). Either way one that has waited longer than ``max_lag`` is
dropped and logged, so captions fall behind by a bounded amount instead of drifting ever
further, and chat and presence never wait for Whisper (they run on the rooms' event loops,
Whisper in its own threads).
"""

from __future__ import annotations

import asyncio
import logging
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from livekit import rtc
from livekit.agents import stt, utils
from livekit.agents.types import NOT_GIVEN, APIConnectOptions, NotGivenOr

from agents.captions.engines import SAMPLE_RATE, Transcriber
from agents.captions.scheduler import BatchScheduler, Request
from agents.captions.stats import STATS, CaptionStats
from agents.metrics import CAPTIONS_DROPPED

log = logging.getLogger("colearn.agent.captions")


class WhisperSTT(stt.STT):
    def __init__(
        self,
        transcriber: Transcriber,
        *,
        language: str,
        workers: int,
        max_lag: float,
        batch: bool = True,
        max_batch: int = 16,
        stats: CaptionStats = STATS,
    ) -> None:
        super().__init__(capabilities=stt.STTCapabilities(streaming=False, interim_results=False))
        self._transcriber = transcriber
        self._language = language
        self._max_lag = max_lag
        self.stats = stats
        self._scheduler: BatchScheduler | None = None
        self._pool: ThreadPoolExecutor | None = None
        if batch:
            batches = hasattr(transcriber, "transcribe_batch")
            self._scheduler = BatchScheduler(
                transcriber,
                max_batch=max_batch if batches else 1,
                max_lag=max_lag,
                stats=stats,
                on_final_dropped=CAPTIONS_DROPPED.inc,
            )
        else:
            self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="whisper")
        self._waiting = 0

    @property
    def transcriber(self) -> Transcriber:
        return self._transcriber

    @property
    def language(self) -> str:
        """The worker's default language (a session may ask for another)."""
        return self._language

    @property
    def batching(self) -> bool:
        return self._scheduler is not None

    @property
    def dropped(self) -> int:
        return self.stats.finals_dropped

    @property
    def model(self) -> str:
        return "whisper"

    @property
    def provider(self) -> str:
        return self._transcriber.name

    @property
    def backlog(self) -> int:
        """Utterances waiting for or in transcription, across all rooms."""
        return self._waiting

    async def _recognize_impl(
        self,
        buffer: utils.AudioBuffer,
        *,
        language: NotGivenOr[str] = NOT_GIVEN,
        conn_options: APIConnectOptions,
    ) -> stt.SpeechEvent:
        frame = rtc.combine_audio_frames(buffer) if isinstance(buffer, list) else buffer
        lang = language if isinstance(language, str) else self._language
        text = await self.transcribe(frame, lang, final=True)
        data = stt.SpeechData(
            language=lang, text=text or "", start_time=0.0, end_time=frame.duration
        )
        return stt.SpeechEvent(type=stt.SpeechEventType.FINAL_TRANSCRIPT, alternatives=[data])

    async def transcribe(
        self, frame: rtc.AudioFrame, language: str, *, final: bool, key: str = ""
    ) -> str | None:
        """The text of one utterance (``final``) or of one so far (interim; ``key`` names the
        utterance, so a newer interim replaces an older one still waiting). None: dropped."""
        audio = _to_model_input(frame)
        queued_at = time.monotonic()
        loop = asyncio.get_running_loop()
        self._waiting += 1
        try:
            if self._scheduler is not None:
                request = Request(audio, language, final, key, loop, loop.create_future())
                self._scheduler.submit(request)
                return await request.future
            return await loop.run_in_executor(self._pool, self._run, audio, language, queued_at)
        finally:
            self._waiting -= 1

    def _run(self, audio: np.ndarray, language: str, queued_at: float) -> str | None:
        started = time.monotonic()
        waited = started - queued_at
        if waited > self._max_lag:
            self.stats.dropped(final=True)
            CAPTIONS_DROPPED.inc()
            log.warning(
                "captions are behind: dropped a %.1f s utterance that waited %.1f s "
                "(limit %.1f s, %d dropped so far)",
                len(audio) / SAMPLE_RATE,
                waited,
                self._max_lag,
                self.dropped,
            )
            return None
        text = self._transcriber.transcribe(audio, language)
        finished = time.monotonic()
        self.stats.ran(started, finished - started, 1, 0)
        return text

    async def aclose(self) -> None:
        if self._scheduler is not None:
            self._scheduler.close()
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)


def _to_model_input(frame: rtc.AudioFrame) -> np.ndarray:
    if frame.sample_rate != SAMPLE_RATE or frame.num_channels != 1:
        resampler = rtc.AudioResampler(frame.sample_rate, SAMPLE_RATE, num_channels=1)
        frames = resampler.push(_mono(frame)) + resampler.flush()
        frame = rtc.combine_audio_frames(frames)
    return np.frombuffer(frame.data, dtype=np.int16).astype(np.float32) / 32768.0


def _mono(frame: rtc.AudioFrame) -> rtc.AudioFrame:
    if frame.num_channels == 1:
        return frame
    samples = np.frombuffer(frame.data, dtype=np.int16).reshape(-1, frame.num_channels)
    mono = samples.mean(axis=1).astype(np.int16)
    return rtc.AudioFrame(mono.tobytes(), frame.sample_rate, 1, len(mono))
