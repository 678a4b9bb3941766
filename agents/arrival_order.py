"""Hand items on in the order they started arriving, however long each takes to arrive.

Text streams from one sender can finish out of the order they were opened (seen: LiveKit's
SDK completes a burst of chat streams shuffled), so a room's messages take a place in line
when they open and are passed on in that order. A message still incomplete after
``patience`` seconds stops holding up those behind it and is passed on when it completes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class ArrivalOrder(Generic[T]):
    def __init__(self, deliver: Callable[[T], None], patience_s: float) -> None:
        self._deliver = deliver
        self._patience_s = patience_s
        self._next = 0  # the place the next arrival takes
        self._head = 0  # the first place not passed on yet
        self._finished: dict[int, T | None] = {}
        self._timers: dict[int, asyncio.TimerHandle] = {}
        self._overtaken: set[int] = set()

    def take_place(self) -> int:
        place = self._next
        self._next += 1
        loop = asyncio.get_running_loop()
        self._timers[place] = loop.call_later(self._patience_s, self._overtake, place)
        return place

    def add(self, item: T) -> None:
        """An item that arrived whole: in line after everything that started before it."""
        place = self._next
        self._next += 1
        self._finished[place] = item
        self._pass_on()

    def finish(self, place: int, item: T | None) -> None:
        """``item`` has fully arrived (None: it came to nothing and is not passed on)."""
        if (timer := self._timers.pop(place, None)) is not None:
            timer.cancel()
        if place in self._overtaken:
            self._overtaken.discard(place)
            if item is not None:
                self._deliver(item)
            return
        self._finished[place] = item
        self._pass_on()

    def _overtake(self, place: int) -> None:
        self._timers.pop(place, None)
        self._overtaken.add(place)
        self._finished[place] = None
        self._pass_on()

    def _pass_on(self) -> None:
        while self._head in self._finished:
            item = self._finished.pop(self._head)
            self._head += 1
            if item is not None:
                self._deliver(item)

    def close(self) -> None:
        for timer in self._timers.values():
            timer.cancel()
        self._timers.clear()
