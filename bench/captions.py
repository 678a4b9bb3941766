"""Caption benchmarks, in one run on this machine (figures are printed):

(a) real-time factor of the transcriber on a 60-second espeak recording (openai-whisper too,
    where it is installed and a checkpoint is given in COLEARN_OPENAI_WHISPER_CHECKPOINT);
(b) latency from the end of an utterance to its final caption reaching another client;
(c) simultaneous speakers captioned before the p95 latency passes 3 s.

    scripts/loopback-netns.sh .venv/bin/python bench/captions.py [--max-speakers 4]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from agents.captions import engines
from api.room_tokens import PARTICIPANT, room_token
from colearn.wire import AGENT_IDENTITY
from db import migrate
from tests.support.ports import free_ports
from tests.support.rtc_client import SAMPLE_RATE, RtcParticipant
from tests.support.speech import speak
from tests.support.stack import RunningStack, new_stack
from tests.support.waiting import eventually
from tests.test_captions import Caption, CaptionListener

SENTENCES = [
    "Good morning everyone, today we will practise ordering food in a restaurant.",
    "Could you tell me what you usually eat for breakfast on a busy weekday?",
    "I think the most difficult part of learning English is the pronunciation.",
    "Let us read the next paragraph together and then discuss the new words.",
    "My favourite hobby is walking in the mountains with my friends and family.",
    "Please repeat the sentence slowly so that everybody can hear every word.",
]


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def bench_rtf(tmp: Path) -> None:
    print("(a) transcriber real-time factor on a 60 s espeak recording (2 cores, int8)")
    pieces: list[np.ndarray] = []
    while sum(len(p) for p in pieces) < 60 * SAMPLE_RATE:
        for i, sentence in enumerate(SENTENCES):
            pieces.append(speak(sentence, tmp, f"rtf{i}"))
            pieces.append(np.zeros(SAMPLE_RATE // 2, dtype=np.int16))
    audio48 = np.concatenate(pieces)[: 60 * SAMPLE_RATE]
    audio16 = audio48[::3].astype(np.float32) / 32768.0  # 48k -> 16k, fine for a timing figure
    candidates: list[tuple[str, str]] = [("faster-whisper", "bundled")]
    checkpoint = os.environ.get("COLEARN_OPENAI_WHISPER_CHECKPOINT", "")
    candidates.append(("openai-whisper", checkpoint))
    for engine, model in candidates:
        try:
            transcriber = engines.load(engine, model, cpu_threads=2)
        except engines.EngineError as exc:
            print(f"    {engine:15s} not measured: {exc}")
            continue
        chunk = 30 * engines.SAMPLE_RATE  # Whisper's window
        started = time.perf_counter()
        for offset in range(0, len(audio16), chunk):
            transcriber.transcribe(audio16[offset : offset + chunk], "en")
        elapsed = time.perf_counter() - started
        print(f"    {engine:15s} {elapsed:6.2f} s for 60 s of speech: RTF {elapsed / 60:.3f}")


async def speaker_run(
    stack: RunningStack,
    listener: CaptionListener,
    identity: str,
    clips: list[np.ndarray],
    gap_s: float,
) -> list[float]:
    """Say each clip, then wait; latency = caption arrival - end of the clip's speech."""
    speaker = RtcParticipant(identity)
    token = room_token(
        stack.livekit_config,
        room=listener.room.name,
        identity=identity,
        name=identity,
        role=PARTICIPANT,
        ttl=timedelta(minutes=30),
    )
    await speaker.connect(stack.settings.ws_url, token)
    silence = np.zeros(int(gap_s * SAMPLE_RATE), dtype=np.int16)
    program = np.concatenate([np.concatenate([clip, silence]) for clip in clips])
    ends: list[float] = []
    position = 0
    for clip in clips:
        position += len(clip)
        ends.append(position / SAMPLE_RATE)
        position += len(silence)

    def finals() -> list[Caption]:
        return [
            c
            for c in listener.captions
            if c.sender == identity and c.attributes["lk.transcription_final"] == "true"
        ]

    seen = len(finals())
    started = time.time()
    await speaker.publish_speech(program)
    await asyncio.sleep(position / SAMPLE_RATE + 6)  # all of it said, and time to caption it
    await speaker.aclose()
    # Each caption belongs to the latest utterance that had ended when it arrived.
    latency_of: dict[int, float] = {}
    for caption in finals()[seen:]:
        ended = [i for i, end in enumerate(ends) if started + end <= caption.arrived]
        if ended and ended[-1] not in latency_of:
            latency_of[ended[-1]] = caption.arrived - (started + ends[ended[-1]])
    return [latency_of[i] for i in sorted(latency_of)]


async def _listening(stack: RunningStack, room: str) -> CaptionListener:
    listener = CaptionListener("listener")
    token = room_token(
        stack.livekit_config,
        room=room,
        identity="listener",
        name="listener",
        role=PARTICIPANT,
        ttl=timedelta(minutes=30),
    )
    await listener.connect(stack.settings.ws_url, token)
    await eventually(
        lambda: listener.room.remote_participants.get(AGENT_IDENTITY), within=15, what="agent"
    )
    return listener


async def bench_latency(utterances: int, max_speakers: int) -> None:
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        clips = [speak(SENTENCES[i % len(SENTENCES)], tmp, f"u{i}") for i in range(utterances)]
        stack = new_stack(free_ports(4), tmp)
        migrate(stack.db_url)
        stack.start_livekit()
        try:
            print("(b) end of utterance -> final caption at another client")
            for interim in ("off", "on"):
                agent = stack.start_agent(extra_env={"COLEARN_CAPTION_INTERIM": interim})
                listener = await _listening(stack, f"bench-captions-{uuid.uuid4().hex[:6]}")
                latencies = await speaker_run(stack, listener, "solo", clips, gap_s=1.5)
                interims = sum(
                    c.attributes["lk.transcription_final"] == "false" for c in listener.captions
                )
                print(
                    f"    interim {interim:3s}: {len(latencies)}/{len(clips)} captioned; p50 "
                    f"{percentile(latencies, 50):.2f} s, p95 {percentile(latencies, 95):.2f} s, "
                    f"max {max(latencies, default=float('nan')):.2f} s; "
                    f"{interims} interim captions"
                )
                await listener.aclose()
                if interim == "off":
                    agent.stop()

            print("(c) simultaneous speakers (each talking with 0.6 s pauses), interim on")
            listener = await _listening(stack, f"bench-captions-{uuid.uuid4().hex[:6]}")
            for count in range(1, max_speakers + 1):
                runs = await asyncio.gather(
                    *(
                        speaker_run(stack, listener, f"s{count}-{i}", clips[:6], gap_s=0.6)
                        for i in range(count)
                    )
                )
                flat = [x for run in runs for x in run]
                expected = 6 * count
                p95 = percentile(flat, 95)
                print(
                    f"    {count} speaker(s): {len(flat)}/{expected} captioned, "
                    f"p50 {percentile(flat, 50):.2f} s, p95 {p95:.2f} s"
                )
                if p95 > 3.0 or len(flat) < expected:
                    print(f"    -> real time up to {count - 1} simultaneous speaker(s)")
                    break
            else:
                print(f"    -> real time for all {max_speakers} tested")
            await listener.aclose()
        finally:
            stack.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--utterances", type=int, default=12)
    parser.add_argument("--max-speakers", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        bench_rtf(Path(tmp))
    asyncio.run(bench_latency(args.utterances, args.max_speakers))


if __name__ == "__main__":
    main()
