"""What the notebook, the recap and the cards keep of a dictionary entry."""

from __future__ import annotations

from dictionary.model import Entry
from vocab.levels import level_of_headword

DEFINITION_CHARS = 160


def short_definition(entry: Entry) -> str:
    """The first sense, with its part of speech, cut to fit a card."""
    if not entry.senses:
        return ""
    sense = entry.senses[0]
    text = f"({sense.pos}) {sense.definition}"
    return text if len(text) <= DEFINITION_CHARS else text[: DEFINITION_CHARS - 1] + "\u2026"


def word_facts(
    entry: Entry,
    *,
    example: str | None,
    occurrence_id: int | None,
    source: str,
):  # type: ignore[no-untyped-def]
    from db.notebook import WordFacts  # db imports vocab.schedule: import here, not at the top

    headword = entry.headword.lower()
    zipf = entry.frequency.zipf if entry.frequency is not None else None
    level = level_of_headword(headword, zipf)
    return WordFacts(
        word=headword,
        query=entry.query,
        level=level.cefr,
        level_rank=level.rank,
        frequency=0 if zipf is None else max(0, round(zipf * 100)),  # 0: a phrase
        ipa=entry.ipa,
        definition=short_definition(entry),
        example=example,
        occurrence_id=occurrence_id,
        source=source,
    )
