"""Chat commands (``/define word``, ``/help``), answered privately in the asker's chat.

A command is a chat message like any other: it is stored, and it is answered once, when it
is first stored (``ChatRelay.on_new_message``), so the copy the React components send in the
legacy form, or a message handed again to a reconnecting agent, gets no second answer. Each
participant may fire a few commands at once, then about one a second.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable

from livekit import rtc
from livekit.agents import JobContext

from agents import replies
from agents.chat_relay import ChatRelay
from agents.chat_send import send_chat
from agents.define import Define
from agents.rate_limit import RateLimiter
from agents.store import WorkerStore
from db.chat import StoredMessage
from db.room_ref import RoomRef
from dictionary import Dictionary

log = logging.getLogger("colearn.agent.commands")

# (the message, what follows the command name) -> the reply
Handler = Callable[[StoredMessage, str], Awaitable[str]]

BURST = 5
PER_SECOND = 1.0


_COMMAND = re.compile(r"\s*/(\S*)\s*(.*)", re.DOTALL)


def parse(text: str) -> tuple[str, str] | None:
    """``(name, argument)`` of a command message, None for ordinary chat."""
    match = _COMMAND.fullmatch(text)
    return (match[1].lower(), match[2].strip()) if match else None


def attach(
    ctx: JobContext, chat: ChatRelay, words: Dictionary | None, store: WorkerStore, room: RoomRef
) -> Commands:
    """Answer the commands in the room's chat from now on."""
    define = Define(words, store, room)
    commands = Commands(ctx.room, {"define": define, "help": help_reply})
    chat.on_new_message(commands.on_message)
    ctx.add_shutdown_callback(commands.aclose)
    ctx.add_shutdown_callback(define.aclose)
    return commands


class Commands:
    def __init__(self, room: rtc.Room, handlers: dict[str, Handler]) -> None:
        self._room = room
        self._handlers = handlers
        self._limiter = RateLimiter(BURST, PER_SECOND)
        self._warned: set[str] = set()  # told to slow down, and not heard from since
        self._tasks: set[asyncio.Task[None]] = set()

    def on_message(self, message: StoredMessage) -> None:
        command = parse(message.body)
        if command is None:
            return
        task = asyncio.create_task(self._answer(message, *command))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _answer(self, message: StoredMessage, name: str, argument: str) -> None:
        asker = message.sender_identity
        if not self._limiter.allow(asker):
            log.info("command from %s in %s ignored: over the rate limit", asker, self._room.name)
            if asker not in self._warned:
                self._warned.add(asker)
                reply = replies.slow_down(self._limiter.wait_s(asker))
                await send_chat(self._room, reply, to=asker, reply_to=message.message_id)
            return
        self._warned.discard(asker)
        handler = self._handlers.get(name)
        if handler is None:
            reply = replies.unknown_command(name)
        else:
            try:
                reply = await handler(message, argument)
            except Exception:
                log.exception("command /%s from %s in %s failed", name, asker, self._room.name)
                reply = replies.COMMAND_FAILED
        await send_chat(self._room, reply, to=asker, reply_to=message.message_id)
        log.info("answered /%s from %s in %s", name, asker, self._room.name)

    async def aclose(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)


async def help_reply(message: StoredMessage, argument: str) -> str:
    return replies.HELP
