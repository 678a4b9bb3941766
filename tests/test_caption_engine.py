"""The transcription pool under load, batching, interim text, and engine configuration errors
a user can act on."""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

import jiwer
import numpy as np
import pytest
from livekit import rtc

from agents.captions import engines
from agents.captions.config import CaptionConfig
from agents.captions.service import CaptionService
from agents.captions.stats import CaptionStats
from agents.captions.utterance_stt import StablePrefix
from agents.captions.whisper_stt import WhisperSTT
from colearn.config import ConfigError
from tests.support.speech import speak


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


@pytest.mark.parametrize("batch", [True, False], ids=["batching", "thread-pool"])
async def test_captions_fall_behind_by_a_bounded_amount_and_say_so(
    caplog: pytest.LogCaptureFixture, batch: bool
) -> None:
    whisper = WhisperSTT(
        SlowTranscriber(0.4),
        language="en",
        workers=1,
        max_lag=0.5,
        batch=batch,
        stats=CaptionStats(),
    )
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
    assert whisper.stats.snapshot()["finals_dropped"] == 5 - len(transcribed)
    assert elapsed < 0.4 * len(transcribed) + 0.5
    assert "captions are behind" in caplog.text


@dataclass
class SlowBatches:
    """Whisper with a fixed cost per call however many utterances it takes (roughly so for a
    few short ones: docs/captions.md); made slow on purpose, as above, and it records calls."""

    seconds: float
    name: str = "slow-batches"
    calls: list[list[float]] = field(default_factory=list)

    def transcribe(self, audio: np.ndarray, language: str) -> str:
        return self.transcribe_batch([(audio, language)])[0]

    def transcribe_batch(self, items: list[tuple[np.ndarray, str]]) -> list[str]:
        self.calls.append([len(audio) / engines.SAMPLE_RATE for audio, _ in items])
        time.sleep(self.seconds)
        return [f"{len(audio) / engines.SAMPLE_RATE:.1f} seconds of speech" for audio, _ in items]


async def test_people_who_stop_talking_together_are_captioned_in_one_go() -> None:
    slow = SlowBatches(0.4)
    whisper = WhisperSTT(slow, language="en", workers=1, max_lag=3.0, stats=CaptionStats())
    try:
        first = asyncio.create_task(whisper.recognize(_utterance(1.0)))
        await asyncio.sleep(0.1)  # the first is being transcribed; seven more stop meanwhile
        started = time.monotonic()
        results = await asyncio.gather(
            first, *(whisper.recognize(_utterance(2.0)) for _ in range(7))
        )
        elapsed = time.monotonic() - started
    finally:
        await whisper.aclose()
    assert [r.alternatives[0].text for r in results] == ["1.0 seconds of speech"] + [
        "2.0 seconds of speech"
    ] * 7
    assert [len(call) for call in slow.calls] == [1, 7]
    # one call for seven: about two calls' time, where one at a time would take eight
    assert elapsed < 0.4 * 2 + 0.5
    assert whisper.dropped == 0


async def test_finals_go_first_and_an_interim_is_replaced_by_the_newer_one() -> None:
    slow = SlowBatches(0.3)
    stats = CaptionStats()
    whisper = WhisperSTT(slow, language="en", workers=1, max_lag=3.0, stats=stats)
    try:
        busy = asyncio.create_task(whisper.recognize(_utterance(1.0)))
        await asyncio.sleep(0.1)
        older = asyncio.create_task(whisper.transcribe(_utterance(3.0), "en", final=False, key="a"))
        await asyncio.sleep(0.01)
        newer = asyncio.create_task(whisper.transcribe(_utterance(4.0), "en", final=False, key="a"))
        final = asyncio.create_task(whisper.transcribe(_utterance(5.0), "en", final=True, key="b"))
        texts = await asyncio.gather(busy, older, newer, final)
    finally:
        await whisper.aclose()
    assert texts[1] is None  # replaced before it ran: nobody would have seen it
    assert texts[2] == "4.0 seconds of speech"
    assert texts[3] == "5.0 seconds of speech"
    assert slow.calls == [[1.0], [5.0], [4.0]]  # the final did not wait for the interim
    assert (stats.finals, stats.interims, stats.interims_dropped) == (2, 1, 1)


def test_interim_text_keeps_the_words_it_has_shown() -> None:
    stable = StablePrefix()
    shown = [
        stable.update(text)
        for text in [
            "Let us read",
            "Let us read the next pair",
            "Let us bead the next paragraph",
            "Let us read the next paragraph together.",
        ]
    ]
    assert shown[1] == "Let us read the next pair"
    # "Let us read" was heard twice and stays, even when Whisper changes its mind about it
    assert shown[2] == "Let us read the next paragraph"
    assert all(text.startswith("Let us read") for text in shown)
    assert shown[3] == "Let us read the next paragraph together."


async def test_whisper_batched_gives_the_words_of_one_at_a_time(tmp_path: Path) -> None:
    sentences = [
        "Could you tell me what you usually eat for breakfast?",
        "Please open your books at page twelve.",
        "Thank you very much.",
    ]
    clips = [
        speak(text, tmp_path, f"s{i}")[::3].astype(np.float32) / 32768
        for i, text in enumerate(sentences)
    ]
    whisper = engines.load("faster-whisper", "bundled", cpu_threads=2)
    together = whisper.transcribe_batch([(clip, "en") for clip in clips])
    for sentence, text in zip(sentences, together, strict=True):
        assert jiwer.wer(_plain(sentence), _plain(text)) <= 0.2, text
        assert text[0].isupper() and text[-1] in ".?!"  # Whisper's casing and punctuation


def _plain(text: str) -> str:
    return jiwer.RemovePunctuation()(text.lower().replace("12", "twelve")).strip()


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
        ("COLEARN_CAPTION_BATCH", "sometimes"),
        ("COLEARN_CAPTION_AGENT", "elsewhere"),
        ("COLEARN_CAPTION_MAX_SPEAKERS", "0"),
    ],
)
def test_bad_caption_settings_name_the_variable(name: str, value: str) -> None:
    with pytest.raises(ConfigError, match=name):
        CaptionConfig.from_env({name: value})


def test_a_language_the_model_does_not_know_is_refused_or_falls_back_to_english(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # The bundled tiny.en is the only Whisper model the package registries ship.
    with pytest.raises(engines.EngineError, match="COLEARN_WHISPER_LANGUAGE='de'"):
        CaptionService.load(CaptionConfig.from_env({"COLEARN_WHISPER_LANGUAGE": "de"}))
    service = CaptionService.load(CaptionConfig.from_env({}))
    caplog.set_level(logging.WARNING, logger="colearn.agent.captions")
    assert service.language_for(None) == "en"
    assert service.language_for("fr") == "en"
    assert "need a multilingual Whisper model" in caplog.text
