"""The short plain-text answer to ``/define word`` in a chat window: a few lines at most."""

from __future__ import annotations

import re

from dictionary.model import CrossReference, Entry, Invalid, LookupResult, NotFound, Sense

CHAT_SENSES = 3
MAX_DEFINITION_CHARS = 140
MAX_SYNONYMS = 4
MAX_ANTONYMS = 3
EXAMPLE_COMMAND = "serendipity"


def format_for_chat(result: LookupResult, command: str = "/define") -> str:
    if isinstance(result, Entry):
        return _entry(result, command)
    if isinstance(result, NotFound):
        return _not_found(result)
    return _invalid(result, command)


def chat_senses(senses: tuple[Sense, ...], limit: int = CHAT_SENSES) -> list[Sense]:
    """The top two senses of the main part of speech and the top one of the next, so
    "run" shows two verb senses and a noun one; a word with one part of speech shows three."""
    if not senses:
        return []
    main = [s for s in senses if s.pos == senses[0].pos]
    other = [s for s in senses if s.pos != senses[0].pos]
    if not other:
        return main[:limit]
    return [*main[: limit - 1], other[0]] if len(main) >= limit - 1 else [*main, *other][:limit]


def _entry(entry: Entry, command: str) -> str:
    title = entry.headword
    if entry.ipa:
        title += f" /{entry.ipa}/"
    if entry.frequency:
        title += f" \u00b7 {entry.frequency.band}"
    lines = [title]
    if entry.inflection:
        spoken = f" /{entry.query_ipa}/" if entry.query_ipa else ""
        lines.append(f'"{entry.query}"{spoken} is the {entry.inflection} of "{entry.headword}".')
    shown = chat_senses(entry.senses)
    example_at, example = _example(shown, (entry.headword, entry.query))
    for number, sense in enumerate(shown, start=1):
        lines.append(f"{number}. ({sense.pos}) {_shorten(sense.definition)}")
        if number - 1 == example_at:
            lines.append(f'   e.g. "{example}"')
    extras = []
    if shown and shown[0].synonyms:
        extras.append("Synonyms: " + ", ".join(shown[0].synonyms[:MAX_SYNONYMS]))
    if entry.related.antonyms:
        extras.append("Opposite: " + ", ".join(entry.related.antonyms[:MAX_ANTONYMS]))
    if extras:
        lines.append(" \u00b7 ".join(extras))
    if entry.see_also:
        lines.append(_see_also(entry.query, entry.see_also[0], command))
    return "\n".join(lines)


def _example(senses: list[Sense], words: tuple[str, ...]) -> tuple[int, str]:
    """An example that uses the word itself (a synset's examples often show a synonym
    instead), else the first sense's first example: others would illustrate the wrong sense."""
    patterns = [re.compile(rf"\b{re.escape(w.lower())}", re.IGNORECASE) for w in words]
    for number, sense in enumerate(senses):
        for example in sense.examples:
            if any(p.search(example) for p in patterns):
                return number, example
    if senses and senses[0].examples:
        return 0, senses[0].examples[0]
    return -1, ""


def _see_also(query: str, other: CrossReference, command: str) -> str:
    if other.note:
        return (
            f'Also: "{query}" is the {other.note} of "{other.headword}"'
            f" ({command} {other.headword})."
        )
    return f"Also: {other.headword} ({other.pos}) {_shorten(other.definition, 80)}"


def _not_found(result: NotFound) -> str:
    if result.grammar_word:
        return (
            f"'{result.query}' is a grammar word. This dictionary explains nouns, verbs, "
            "adjectives and adverbs."
        )
    if result.suggestions:
        return f"I don't know '{result.query}'. Did you mean: {', '.join(result.suggestions)}?"
    return f"I don't know '{result.query}', nor any word spelled like it. Check the spelling?"


def _invalid(result: Invalid, command: str) -> str:
    return (
        f"{result.reason} Type {command} and a word or phrase, for example: "
        f"{command} {EXAMPLE_COMMAND}"
    )


def _shorten(text: str, limit: int = MAX_DEFINITION_CHARS) -> str:
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "\u2026"
