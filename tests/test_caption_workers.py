"""Caption workers apart from the Co~Learn agent: rooms spread over them, and a killed one's
rooms get captions again from another within seconds."""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest

from api.room_tokens import PARTICIPANT, room_token
from colearn.processes import Service
from colearn.wire import AGENT_IDENTITY
from tests.support.ports import free_ports
from tests.support.rtc_client import SAMPLE_RATE, RtcParticipant
from tests.support.speech import speak
from tests.support.stack import ROOT, RunningStack, new_stack
from tests.support.waiting import eventually
from tests.test_captions import CaptionListener

BACK_WITHIN_S = 5.0
PHRASES = [
    "Let us read the next paragraph together and then discuss the new words.",
    "Please repeat the sentence slowly so that everybody can hear every word.",
]


@pytest.fixture(scope="module")
def separate(
    tmp_path_factory: pytest.TempPathFactory, new_db_url: Callable[..., str]
) -> Iterator[tuple[RunningStack, list[Service]]]:
    """livekit-server, the Co~Learn agent with COLEARN_CAPTION_AGENT=separate, and three
    caption workers of one room each (full at one room, so where rooms go is certain)."""
    stack = new_stack(free_ports(4), tmp_path_factory.mktemp("captions"), new_db_url())
    workers: list[Service] = []
    try:
        stack.start_livekit()
        stack.start_agent(extra_env={"COLEARN_CAPTION_AGENT": "separate"})
        for index in range(3):
            worker = Service(
                f"captions-{index}",
                [sys.executable, "-m", "agents.captions"],
                log_path=stack.log_dir / f"captions-{index}.log",
                env={**stack.env(), "COLEARN_CAPTION_MAX_ROOMS": "1"},
                cwd=ROOT,
            )
            workers.append(worker.start())
        for worker in workers:
            worker.wait_for_line(lambda line: "colearn caption worker registered" in line, 90)
        yield stack, workers
    finally:
        for worker in workers:
            worker.stop()
        stack.stop()


async def _join(stack: RunningStack, room: str, person: RtcParticipant) -> None:
    token = room_token(
        stack.livekit_config,
        room=room,
        identity=person.identity,
        name=person.identity,
        role=PARTICIPANT,
        ttl=timedelta(minutes=5),
    )
    await person.connect(stack.settings.ws_url, token)


def _talk(tmp: Path) -> np.ndarray:
    """Sentences with short pauses, over and over: whenever captions come back, someone is
    talking, and interim captions show within a second or so."""
    gap = np.zeros(SAMPLE_RATE * 6 // 10, dtype=np.int16)
    once = np.concatenate(
        [np.concatenate([speak(p, tmp, f"p{i}"), gap]) for i, p in enumerate(PHRASES)]
    )
    return np.tile(once, 6)


def _captioning(workers: list[Service], room: str) -> Service | None:
    found = [
        w for w in workers if w.running() and f"caption agent joined room {room}" in w.output()
    ]
    return found[-1] if found else None


async def test_rooms_spread_over_caption_workers_and_a_killed_ones_come_back(
    separate: tuple[RunningStack, list[Service]], room_name: str, tmp_path: Path
) -> None:
    stack, workers = separate
    speech = _talk(tmp_path)
    rooms = [f"{room_name}-a", f"{room_name}-b"]
    listeners = [CaptionListener(f"listener-{i}") for i in range(2)]
    speakers = [RtcParticipant(f"speaker-{i}") for i in range(2)]
    try:
        for room, listener, speaker in zip(rooms, listeners, speakers, strict=True):
            await _join(stack, room, listener)
            await _join(stack, room, speaker)
            await eventually(
                lambda listener=listener: listener.room.remote_participants.get(AGENT_IDENTITY),
                within=15,
                what="the Co~Learn agent",
            )
            await speaker.publish_speech(speech)
            await eventually(
                lambda listener=listener: listener.captions, within=20, what="captions"
            )

        # each room was captioned by a caption worker of its own
        holders = [_captioning(workers, room) for room in rooms]
        assert None not in holders and holders[0] is not holders[1]
        # and the Co~Learn agent itself did no speech work
        assert "captions ready" not in (stack.agent.output() if stack.agent else "")

        victim, listener = holders[0], listeners[0]
        assert victim is not None
        victim.kill()
        killed_at = time.time()
        await asyncio.sleep(0.5)  # what was on its way before the kill has arrived
        before = len(listener.captions)
        await eventually(lambda: len(listener.captions) > before, within=15, what="captions again")
        back_after = listener.captions[before].arrived - killed_at
        assert back_after <= BACK_WITHIN_S, f"captions came back after {back_after:.1f} s"
        spare = _captioning(workers, rooms[0])
        assert spare is not None and spare not in holders
        # the other room went on with its own worker
        assert _captioning(workers, rooms[1]) is holders[1]
        other = len(listeners[1].captions)
        await eventually(lambda: len(listeners[1].captions) > other, within=10, what="captions")
    finally:
        for person in (*speakers, *listeners):
            await person.aclose()
