"""Offline English learner's dictionary: WordNet senses, CMUdict IPA, wordfreq bands.

Usable without LiveKit::

    from dictionary import Dictionary, format_for_chat
    with Dictionary.open() as words:
        print(format_for_chat(words.lookup("went")))

Build the file first with ``python -m dictionary build`` (``make setup`` does it).
"""

from dictionary.chat import format_for_chat
from dictionary.config import DictionaryMissing
from dictionary.lookup import Dictionary
from dictionary.model import (
    CrossReference,
    Entry,
    Frequency,
    Invalid,
    LookupResult,
    NotFound,
    Related,
    Sense,
)
from dictionary.serialize import to_json

__all__ = [
    "CrossReference",
    "Dictionary",
    "DictionaryMissing",
    "Entry",
    "Frequency",
    "Invalid",
    "LookupResult",
    "NotFound",
    "Related",
    "Sense",
    "format_for_chat",
    "to_json",
]
