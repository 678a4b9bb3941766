"""Progress lines for the long build: one line per stage, counts, and percentages."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TextIO, TypeVar

T = TypeVar("T")


class Progress:
    def __init__(self, stages: int, stream: TextIO | None = None, quiet: bool = False) -> None:
        self._stages = stages
        self._stage = 0
        self._stream = stream or sys.stderr
        self._quiet = quiet
        self._started = time.perf_counter()

    def say(self, message: str) -> None:
        if not self._quiet:
            print(message, file=self._stream, flush=True)

    @contextmanager
    def stage(self, title: str) -> Iterator[None]:
        self._stage += 1
        self.say(f"[{self._stage}/{self._stages}] {title}")
        started = time.perf_counter()
        yield
        self.say(f"      done in {time.perf_counter() - started:.1f} s")

    def count(self, what: str, how_many: int) -> None:
        self.say(f"      {what}: {how_many:,}")

    def track(self, items: Iterable[T], total: int, what: str) -> Iterator[T]:
        """Yield ``items``, saying every 20% how far along they are."""
        marks = {total * fifth // 5: fifth * 20 for fifth in range(1, 5)}
        for done, item in enumerate(items, start=1):
            yield item
            if done in marks:
                self.say(f"      {what}: {marks[done]}% ({done:,} of {total:,})")
        self.count(what, total)

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self._started
