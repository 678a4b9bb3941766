"""``to_json``: the dictionary's answer as a JSON object for the HTTP API.

The shape is stable; every object carries ``kind`` so a client can switch on it.

Entry::

    {"kind": "entry", "query": "feet", "headword": "foot", "lemma": "foot",
     "inflection": "plural", "ipa": "fʊt", "query_ipa": "fit",
     "frequency": {"zipf": 4.87, "band": "common"},
     "parts_of_speech": ["noun", "verb"],
     "senses": [{"pos": "noun", "definition": "...", "examples": ["..."],
                 "synonyms": ["ft"]}, ...],
     "related": {"antonyms": [], "broader": ["linear unit"], "derived": ["foot"]},
     "see_also": [{"headword": "...", "note": "past tense", "pos": "verb",
                   "definition": "..."}]}

``lemma``, ``inflection``, ``ipa``, ``query_ipa`` and ``frequency`` may be null (``lemma``
is null when the query is the headword itself; ``frequency`` for phrases). Senses come most
common first, all of them; ``chat.chat_senses`` picks the few a short answer shows.

Not found::

    {"kind": "not_found", "query": "recieve", "suggestions": ["receive", "relieve"],
     "grammar_word": false}

Invalid input (``code`` is one of empty, too_long, no_letters, too_many_words)::

    {"kind": "invalid", "query": "", "code": "empty", "reason": "There is no word to look up."}
"""

from __future__ import annotations

from typing import Any

from dictionary.model import Entry, LookupResult, NotFound, Sense


def to_json(result: LookupResult) -> dict[str, Any]:
    if isinstance(result, Entry):
        return _entry(result)
    if isinstance(result, NotFound):
        return {
            "kind": result.kind,
            "query": result.query,
            "suggestions": list(result.suggestions),
            "grammar_word": result.grammar_word,
        }
    return {
        "kind": result.kind,
        "query": result.query,
        "code": result.code,
        "reason": result.reason,
    }


def _entry(entry: Entry) -> dict[str, Any]:
    frequency = entry.frequency
    return {
        "kind": entry.kind,
        "query": entry.query,
        "headword": entry.headword,
        "lemma": entry.lemma,
        "inflection": entry.inflection,
        "ipa": entry.ipa,
        "query_ipa": entry.query_ipa,
        "frequency": {"zipf": frequency.zipf, "band": frequency.band} if frequency else None,
        "parts_of_speech": list(entry.parts_of_speech),
        "senses": [_sense(sense) for sense in entry.senses],
        "related": {
            "antonyms": list(entry.related.antonyms),
            "broader": list(entry.related.broader),
            "derived": list(entry.related.derived),
        },
        "see_also": [
            {"headword": r.headword, "note": r.note, "pos": r.pos, "definition": r.definition}
            for r in entry.see_also
        ],
    }


def _sense(sense: Sense) -> dict[str, Any]:
    return {
        "pos": sense.pos,
        "definition": sense.definition,
        "examples": list(sense.examples),
        "synonyms": list(sense.synonyms),
    }
