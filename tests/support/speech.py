"""Speech for caption tests: espeak-ng says a sentence, sox makes it 48 kHz mono."""

from __future__ import annotations

import shutil
import subprocess
import wave
from pathlib import Path

import numpy as np

SAMPLE_RATE = 48_000


def speak(text: str, directory: Path, name: str = "speech") -> np.ndarray:
    """The sentence as 48 kHz mono int16 samples."""
    for tool in ("espeak-ng", "sox"):
        if shutil.which(tool) is None:
            raise RuntimeError(f"{tool} is missing: `make setup` installs it")
    raw, resampled = directory / f"{name}-raw.wav", directory / f"{name}.wav"
    subprocess.run(["espeak-ng", "-s", "150", "-w", str(raw), text], check=True)
    subprocess.run(
        ["sox", str(raw), "-r", str(SAMPLE_RATE), "-c", "1", "-b", "16", str(resampled)],
        check=True,
    )
    with wave.open(str(resampled)) as wav:
        return np.frombuffer(wav.readframes(wav.getnframes()), dtype=np.int16).copy()
