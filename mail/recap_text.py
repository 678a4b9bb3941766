"""The wording of a recap mail (kind ``recap``): the recap as built, readable as plain text."""

from __future__ import annotations

from typing import Any

from mail.texts import Wording

MAX_WORDS = 10


def _minutes(seconds: int) -> str:
    minutes, rest = divmod(int(seconds), 60)
    return f"{minutes} min {rest} s" if minutes else f"{rest} s"


def _word_line(word: dict[str, Any]) -> str:
    line = f"- {word['word']} ({word['level']})"
    if word.get("definition"):
        line += f": {word['definition']}"
    if word.get("sentence"):
        line += f'\n  "{word["sentence"]}"'
    return line


def recap_wording(recap: dict[str, Any], *, link: str) -> Wording:
    title = recap.get("title", "your session")
    if recap.get("role") == "facilitator":
        lines = [f"The recap of {title}."]
        key = recap.get("key_vocabulary") or []
        if key:
            lines.append("Key vocabulary:\n" + "\n".join(_word_line(w) for w in key[:MAX_WORDS]))
        learners = recap.get("learners") or []
        if learners:
            lines.append(
                "Participation:\n"
                + "\n".join(
                    f"- {p['name']}: talked {_minutes(p['talk_seconds'])}, "
                    f"{p['messages']} messages, looked up {len(p['looked_up'])} words"
                    for p in learners
                )
            )
        lines.append("Turn recap mails off in your notebook settings.")
        return Wording(f"Recap: {title}", lines, link, "See the whole recap")
    lines = [f"Your recap of {title}."]
    looked = recap.get("looked_up") or []
    if looked:
        lines.append("Words you looked up:\n" + "\n".join(_word_line(w) for w in looked))
    new = recap.get("new_words") or []
    if new:
        lines.append(
            f"Words above your level ({recap.get('level')}) that came up:\n"
            + "\n".join(_word_line(w) for w in new[:MAX_WORDS])
        )
    part = recap.get("participation") or {}
    if part:
        lines.append(
            f"You talked for {_minutes(part.get('talk_seconds', 0))} and sent "
            f"{part.get('messages', 0)} messages."
        )
    lines.append(
        "These words are now review cards. Turn recap mails off in your notebook settings."
    )
    return Wording(f"Your recap: {title}", lines, link, "Review your words")
