"""The transcription pool under load, and engine configuration errors a user can act on."""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from livekit import rtc

from agents.captions import engines
from agents.captions.config import CaptionConfig
from agents.captions.whisper_stt import WhisperSTT
from colearn.config import ConfigError


@dataclass
class SlowTranscriber:
    """Stands in for Whisper on a machine too slow for the speakers it has (a real Whisper
    run cannot be made reliably slow in a test); it implements the engine interface."""

    seconds: float
    name: str = "slow"

    def transcribe(self, audio: np.ndarray, language: str) -> str:
        time.sleep(self.seconds)
        return f"{len(audio) / engines.SAMPLE_RATE:.1f} seconds of speech"


def _utterance(seconds: float) -> rtc.AudioFrame:
    samples = int(seconds * engines.SAMPLE_RATE)
    return rtc.AudioFrame(bytes(2 * samples), engines.SAMPLE_RATE, 1, samples)


async def test_captions_fall_behind_by_a_bounded_amount_and_say_so(
    caplog: pytest.LogCaptureFixture,
) -> None:
    whisper = WhisperSTT(SlowTranscriber(0.4), language="en", workers=1, max_lag=0.5)
    caplog.set_level(logging.WARNING, logger="colearn.agent.captions")
    try:
        started = time.monotonic()
        results = await asyncio.gather(*(whisper.recognize(_utterance(1.0)) for _ in range(5)))
        elapsed = time.monotonic() - started
    finally:
        await whisper.aclose()
    texts = [r.alternatives[0].text for r in results]
    transcribed = [t for t in texts if t]
    # The first ones are captioned; those that would have waited past the limit are dropped
    # rather than delivered late, so the backlog cannot grow without bound.
    assert texts[0] == "1.0 seconds of speech"
    assert 1 <= len(transcribed) < 5
    assert whisper.dropped == 5 - len(transcribed)
    assert elapsed < 0.4 * len(transcribed) + 0.5
    assert "captions are behind" in caplog.text


def test_openai_whisper_without_the_package_says_what_to_install() -> None:
    with pytest.raises(engines.EngineError, match="pip install openai-whisper"):
        engines.load("openai-whisper", "tiny.en.pt", cpu_threads=1)


def test_a_model_path_that_is_no_model_is_refused_clearly(tmp_path: Path) -> None:
    with pytest.raises(engines.EngineError, match="COLEARN_WHISPER_MODEL"):
        engines.load("faster-whisper", str(tmp_path / "missing"), cpu_threads=1)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("COLEARN_WHISPER_ENGINE", "whisper.cpp"),
        ("COLEARN_CAPTIONS", "maybe"),
        ("COLEARN_CAPTION_MAX_LAG", "soon"),
        ("COLEARN_CAPTION_WORKERS", "0"),
    ],
)
def test_bad_caption_settings_name_the_variable(name: str, value: str) -> None:
    with pytest.raises(ConfigError, match=name):
        CaptionConfig.from_env({name: value})
