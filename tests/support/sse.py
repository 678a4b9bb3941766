"""Reading a Server-Sent-Events stream as a browser's EventSource would."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import aiohttp


@dataclass
class Message:
    id: str | None
    event: str
    data: Any


class SseStream:
    def __init__(self, response: aiohttp.ClientResponse) -> None:
        self.response = response
        self.last_id: str | None = None

    async def next(self, within: float = 5.0) -> Message:
        return await asyncio.wait_for(self._read(), within)

    async def _read(self) -> Message:
        fields: dict[str, list[str]] = {}
        while True:
            raw = await self.response.content.readline()
            if not raw:
                raise EOFError("the stream ended")
            line = raw.decode().rstrip("\n")
            if line == "":
                if not fields:
                    continue
                message = Message(
                    id=fields.get("id", [None])[-1],
                    event=fields.get("event", ["message"])[-1],
                    data=json.loads("\n".join(fields.get("data", ["null"]))),
                )
                if message.id is not None:
                    self.last_id = message.id
                return message
            if line.startswith(":"):
                continue
            name, _, value = line.partition(":")
            fields.setdefault(name, []).append(value.removeprefix(" "))

    async def until(
        self, matches: Callable[[Message], bool], within: float = 5.0, what: str = "an event"
    ) -> Message:
        try:
            async with asyncio.timeout(within):
                while True:
                    message = await self._read()
                    if matches(message):
                        return message
        except TimeoutError:
            raise AssertionError(f"no {what} within {within} s") from None

    def close(self) -> None:
        self.response.close()


def kind(name: str) -> Callable[[Message], bool]:
    return lambda m: isinstance(m.data, dict) and m.data.get("kind") == name
