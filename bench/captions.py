"""Caption throughput: simultaneous speakers on one worker, before and after batching.

Each simulated speaker says a few espeak-ng sentences (each speaker its own voice) with short
pauses, in real time, as 48 kHz frames; everything a caption worker does per microphone
runs here in one process: resampling to 16 kHz, Silero VAD, interim and final
transcription. Per speaker count and per path (``old``: one utterance per Whisper call
padded to 30 s, COLEARN_CAPTION_BATCH=off; ``new``: batched, encoded at their own length),
run interleaved so both see the same machine load:

    p50/p95 end of utterance -> final caption (s), dropped finals (waited longer than
    COLEARN_CAPTION_MAX_LAG, logged), missing (sentences without a final of their own:
    dropped, or run into the next one by the VAD), CPU seconds per speaker-second, word
    error rate.

LiveKit's transport is left out (the end-to-end path adds ~0.1 s; tests/test_captions.py
covers it). The last line reads ``captions: speakers=8 p95_final_s=X dropped=N wer=W``.

    .venv/bin/python bench/captions.py [--speakers 1,2,4,6,8,10] [--sentences 4]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import subprocess
import sys
import tempfile
import time
import wave
from dataclasses import dataclass
from pathlib import Path

import jiwer
import numpy as np
from livekit import rtc
from livekit.agents import stt
from livekit.plugins import silero

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from agents.captions import engines
from agents.captions.stats import CaptionStats
from agents.captions.utterance_stt import UtteranceSTT
from agents.captions.whisper_stt import WhisperSTT

SENTENCES = [
    "Good morning everyone, today we will practise ordering food in a restaurant.",
    "Could you tell me what you usually eat for breakfast on a busy weekday?",
    "I think the most difficult part of learning English is the pronunciation.",
    "Let us read the next paragraph together and then discuss the new words.",
    "My favourite hobby is walking in the mountains with my friends and family.",
    "Please repeat the sentence slowly so that everybody can hear every word.",
    "We will meet again on Thursday afternoon to talk about your homework.",
    "Learning a new language takes time, patience and a lot of practice every day.",
]
VOICES = ["en-us", "en-gb", "en-us+f3", "en-gb-scotland", "en+m3", "en-029", "en+f2", "en-gb-x-rp"]
RATE = 48_000
FRAME = RATE // 50  # 20 ms, as WebRTC delivers
GAP_S = 0.6


def say(text: str, voice: str, directory: Path, name: str) -> np.ndarray:
    raw, out = directory / f"{name}-raw.wav", directory / f"{name}.wav"
    subprocess.run(["espeak-ng", "-v", voice, "-s", "150", "-w", str(raw), text], check=True)
    subprocess.run(["sox", str(raw), "-r", str(RATE), "-c", "1", "-b", "16", str(out)], check=True)
    with wave.open(str(out)) as wav:
        return np.frombuffer(wav.readframes(wav.getnframes()), dtype=np.int16).copy()


@dataclass
class Script:
    audio: np.ndarray  # the whole program, 48 kHz
    ends: list[float]  # seconds into it where each sentence ends
    words: str  # what was said


def script(clips: list[np.ndarray], texts: list[str], lead_s: float) -> Script:
    parts = [np.zeros(int(lead_s * RATE), dtype=np.int16)]
    ends, position = [], len(parts[0])
    for clip in clips:
        parts += [clip, np.zeros(int(GAP_S * RATE), dtype=np.int16)]
        position += len(clip)
        ends.append(position / RATE)
        position += int(GAP_S * RATE)
    parts.append(np.zeros(3 * RATE, dtype=np.int16))  # silence after, as a quiet microphone
    return Script(np.concatenate(parts), ends, " ".join(texts))


async def speak_into(speech: stt.RecognizeStream, program: Script, t0: float) -> None:
    """Real time: 20 ms frames at 48 kHz, resampled to 16 kHz as rtc.AudioStream does."""
    resampler = rtc.AudioResampler(RATE, engines.SAMPLE_RATE, num_channels=1)
    for index, offset in enumerate(range(0, len(program.audio) - FRAME + 1, FRAME)):
        due = t0 + index * FRAME / RATE
        if (delay := due - time.monotonic()) > 0:
            await asyncio.sleep(delay)
        chunk = program.audio[offset : offset + FRAME]
        for frame in resampler.push(rtc.AudioFrame(chunk.tobytes(), RATE, 1, FRAME)):
            speech.push_frame(frame)
    speech.end_input()


async def one_speaker(
    captioner: UtteranceSTT, program: Script, t0: float
) -> tuple[list[float], str, int]:
    speech = captioner.stream(language="en")
    feeding = asyncio.create_task(speak_into(speech, program, t0))
    finals: list[tuple[float, str]] = []
    async for event in speech:
        if event.type == stt.SpeechEventType.FINAL_TRANSCRIPT and event.alternatives:
            if event.alternatives[0].text.strip():
                finals.append((time.monotonic(), event.alternatives[0].text.strip()))
    await feeding
    latency: dict[int, float] = {}
    for arrived, _text in finals:
        ended = [i for i, end in enumerate(program.ends) if t0 + end <= arrived]
        if ended and ended[-1] not in latency:
            latency[ended[-1]] = arrived - (t0 + program.ends[ended[-1]])
    heard = " ".join(text for _, text in finals)
    return list(latency.values()), heard, len(program.ends) - len(latency)


def normal(text: str) -> str:
    text = text.lower().replace("favorite", "favourite").replace("practice", "practise")
    return " ".join(jiwer.RemovePunctuation()(text).split())


async def run(whisper: WhisperSTT, vad: silero.VAD, programs: list[Script]) -> dict[str, float]:
    captioner = UtteranceSTT(whisper=whisper, vad_model=vad, interim=True)
    cpu0, t0 = time.process_time(), time.monotonic() + 0.5
    results = await asyncio.gather(*(one_speaker(captioner, p, t0) for p in programs))
    cpu = time.process_time() - cpu0
    latencies = [x for lat, _, _ in results for x in lat]
    said = sum(len(p.audio) for p in programs) / RATE
    return {
        "p50": float(np.percentile(latencies, 50)) if latencies else float("nan"),
        "p95": float(np.percentile(latencies, 95)) if latencies else float("nan"),
        "dropped": float(whisper.stats.finals_dropped),
        "missing": float(sum(d for _, _, d in results)),
        "cpu": cpu / said,
        "wer": jiwer.wer([normal(p.words) for p in programs], [normal(h) for _, h, _ in results]),
    }


async def bench(counts: list[int], sentences: int, threads: int) -> None:
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        rng = random.Random(19)
        most = max(counts)
        voices = {}
        for speaker in range(most):
            order = rng.sample(range(len(SENTENCES)), sentences)
            voice = VOICES[speaker % len(VOICES)]
            clips = [
                say(SENTENCES[i], voice, tmp, f"s{speaker}-{i}-{voice.replace('+', '_')}")
                for i in order
            ]
            voices[speaker] = (clips, [SENTENCES[i] for i in order], rng.uniform(0, 1.5))
        programs = [script(*voices[s]) for s in range(most)]
    transcriber = engines.load("faster-whisper", "bundled", cpu_threads=threads)
    vad = silero.VAD.load(min_silence_duration=0.4, prefix_padding_duration=0.3)
    paths = {
        "old": lambda s: WhisperSTT(
            transcriber, language="en", workers=1, max_lag=3.0, batch=False, stats=s
        ),
        "new": lambda s: WhisperSTT(transcriber, language="en", workers=1, max_lag=3.0, stats=s),
    }
    print(f"Whisper tiny.en int8, {threads} threads; interim captions on")
    print("speakers path  p50_final_s p95_final_s dropped missing cpu_s_per_speaker_s   wer")
    last: dict[str, float] = {}
    for count in counts:
        for name, make in paths.items():
            whisper = make(CaptionStats())
            figures = await run(whisper, vad, programs[:count])
            await whisper.aclose()
            print(
                f"{count:8d} {name:4s} {figures['p50']:11.2f} {figures['p95']:11.2f} "
                f"{int(figures['dropped']):7d} {int(figures['missing']):7d} "
                f"{figures['cpu']:19.3f} {figures['wer']:5.3f}",
                flush=True,
            )
            if name == "new" and count == 8:
                last = figures
    if last:
        print(
            f"captions: speakers=8 p95_final_s={last['p95']:.2f} "
            f"dropped={int(last['dropped'])} wer={last['wer']:.3f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--speakers", default="1,2,4,6,8,10")
    parser.add_argument("--sentences", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    counts = [int(x) for x in args.speakers.split(",")]
    asyncio.run(bench(counts, args.sentences, args.threads))


if __name__ == "__main__":
    main()
