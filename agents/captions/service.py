"""What captioning shares across the rooms of one worker: the Whisper engine and the VAD.

Both are loaded once per worker process, at start (so the first room does not wait), and
every room's job thread uses them.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

import numpy as np
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
    warned: set[str] = field(default_factory=set)  # languages the model could not do

    @classmethod
    def load(cls, config: CaptionConfig) -> CaptionService:
        started = time.monotonic()
        transcriber = engines.load(config.engine, config.model, config.threads)
        if config.language != "en" and not getattr(transcriber, "multilingual", True):
            raise engines.EngineError(
                f"COLEARN_WHISPER_LANGUAGE={config.language!r} needs a multilingual Whisper "
                "model in COLEARN_WHISPER_MODEL (a CTranslate2 directory such as tiny); "
                "the bundled tiny.en knows English only"
            )
        whisper = WhisperSTT(
            transcriber,
            language=config.language,
            workers=config.workers,
            max_lag=config.max_lag,
            batch=config.batch,
        )
        # The first Whisper call of a process is slow (allocations): not a caption's.
        warm = getattr(transcriber, "transcribe_batch", None)
        if warm is not None:
            warm([(np.zeros(engines.SAMPLE_RATE, dtype=np.float32), config.language)])
        # Utterances end after 0.4 s of silence: short enough for live captions, long enough
        # not to cut a sentence at every breath.
        vad = silero.VAD.load(min_silence_duration=0.4, prefix_padding_duration=0.3)
        log.info(
            "captions ready: %s, model %s, language %s, %s (loaded in %.1f s)",
            transcriber.name,
            config.model,
            config.language,
            "batched" if whisper.batching else "one utterance at a time",
            time.monotonic() - started,
        )
        return cls(config=config, whisper=whisper, vad=vad)

    @property
    def multilingual(self) -> bool:
        return bool(getattr(self.whisper.transcriber, "multilingual", True))

    def language_for(self, wanted: str | None) -> str:
        """The language to transcribe a room in: ``wanted`` if the model knows it."""
        if not wanted or wanted == self.config.language:
            return self.config.language
        if not self.multilingual and wanted != "en":
            if wanted not in self.warned:  # once per language and worker: rooms poll this
                self.warned.add(wanted)
                log.warning(
                    "captions in %r need a multilingual Whisper model (COLEARN_WHISPER_MODEL); "
                    "the loaded one is English only: captioning in English",
                    wanted,
                )
            return "en"
        return wanted

    def utterance_stt(self) -> stt.STT:
        """A streaming STT for one speaker: the VAD cuts utterances, Whisper transcribes them."""
        return UtteranceSTT(whisper=self.whisper, vad_model=self.vad, interim=self.config.interim)
