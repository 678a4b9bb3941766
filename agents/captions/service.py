"""What captioning shares across the rooms of one worker: the Whisper engine and the VAD.

Both are loaded once per worker process, at start (so the first room does not wait), and
every room's job thread uses them.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from livekit.agents import stt
from livekit.plugins import silero

from agents.captions import engines
from agents.captions.config import CaptionConfig
from agents.captions.utterance_stt import UtteranceSTT
from agents.captions.whisper_stt import WhisperSTT

log = logging.getLogger("colearn.agent.captions")


@dataclass
class CaptionService:
    config: CaptionConfig
    whisper: WhisperSTT
    vad: silero.VAD

    @classmethod
    def load(cls, config: CaptionConfig) -> CaptionService:
        started = time.monotonic()
        transcriber = engines.load(config.engine, config.model, config.threads)
        whisper = WhisperSTT(
            transcriber, language=config.language, workers=config.workers, max_lag=config.max_lag
        )
        # Utterances end after 0.4 s of silence: short enough for live captions, long enough
        # not to cut a sentence at every breath.
        vad = silero.VAD.load(min_silence_duration=0.4, prefix_padding_duration=0.3)
        log.info(
            "captions ready: %s, model %s, language %s (loaded in %.1f s)",
            transcriber.name,
            config.model,
            config.language,
            time.monotonic() - started,
        )
        return cls(config=config, whisper=whisper, vad=vad)

    def utterance_stt(self) -> stt.STT:
        """A streaming STT for one speaker: the VAD cuts utterances, Whisper transcribes them."""
        return UtteranceSTT(whisper=self.whisper, vad_model=self.vad, interim=self.config.interim)
