"""Everything the agent says to people in the chat (the dictionary formats its own entries).

Plain text: chat windows of every LiveKit client show it as typed, so no Markdown.
"""

from __future__ import annotations

import math

from agents.chat_wire import MAX_MESSAGE_CHARS

# Command name -> what it does, as /help lists it; a command the agent answers is listed here.
COMMANDS: dict[str, str] = {
    "define": "/define word - meaning, example and pronunciation of a word or phrase "
    "(try /define serendipity or /define break the ice)",
    "help": "/help - this list",
}

HELP = "\n".join(
    [
        "Co~Learn commands (only you see the answers):",
        *COMMANDS.values(),
    ]
)

DICTIONARY_MISSING = (
    "Sorry, the dictionary is not available right now. Please tell your facilitator."
)


COMMAND_FAILED = "Sorry, something went wrong with that command. Please try again."


def unknown_command(name: str) -> str:
    if not name:
        return HELP
    shown = name if len(name) <= 20 else name[:20] + "\u2026"
    return f"I don't know the command /{shown}. " + " ".join(
        ["Commands:", ", ".join(f"/{n}" for n in COMMANDS), "(/help says more)."]
    )


def slow_down(wait_s: float) -> str:
    seconds = max(1, math.ceil(wait_s))
    return f"That is a lot of commands at once. Try again in {seconds} s."


NOT_SAVED_TOO_LONG = (
    f"Your last message is too long to keep: messages of up to {MAX_MESSAGE_CHARS} characters "
    "are saved with the session. The others saw it, but it will not be in the history."
)
