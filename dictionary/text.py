"""Turning what a learner typed into the keys the dictionary file is indexed by.

The builder and the lookup both call ``headword_key`` so a key written at build time is
found by the same spelling at lookup time.
"""

from __future__ import annotations

import re
import string
import unicodedata
from dataclasses import dataclass

from dictionary.model import Invalid

MAX_QUERY_CHARS = 64
# WordNet's longest everyday idioms ("let the cat out of the bag") have seven words.
MAX_QUERY_WORDS = 8

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "`": "'"})
# Chat users wrap words in quotes, brackets or end them with "?!"; none of that is the word.
_EDGE_PUNCTUATION = string.punctuation + "\u00ab\u00bb\u00bf\u00a1\u2026\u2013\u2014"
_SPACES = re.compile(r"[\s_]+")
_LEADING_FILLERS = ("to ", "a ", "an ", "the ")


@dataclass(frozen=True, slots=True)
class CleanQuery:
    text: str  # as typed, minus surrounding punctuation and extra spaces
    keys: tuple[str, ...]  # index keys to try, most literal first


def headword_key(text: str) -> str:
    """The index key of a headword or query: lower case, one space between words."""
    return _SPACES.sub(" ", text.translate(_QUOTES)).strip().lower()


def clean_query(raw: str) -> CleanQuery | Invalid:
    text = unicodedata.normalize("NFKC", raw).translate(_QUOTES)
    text = "".join(" " if unicodedata.category(ch).startswith("C") else ch for ch in text)
    text = _SPACES.sub(" ", text).strip()
    if not text:
        return Invalid(raw, "empty", "There is no word to look up.")
    if len(text) > MAX_QUERY_CHARS:
        return Invalid(
            text[:MAX_QUERY_CHARS] + "\u2026",
            "too_long",
            f"That is {len(text)} characters; a word or phrase can have at most {MAX_QUERY_CHARS}.",
        )
    core = text.strip(_EDGE_PUNCTUATION + " ")
    if not any(ch.isalpha() for ch in core):
        return Invalid(text, "no_letters", "A word needs at least one letter.")
    words = core.count(" ") + 1
    if words > MAX_QUERY_WORDS:
        return Invalid(
            text,
            "too_many_words",
            f"That is {words} words; look up one word or a phrase of at most "
            f"{MAX_QUERY_WORDS} words.",
        )
    # Abbreviations such as "U.S." keep their final period in WordNet.
    with_period = text.lstrip(_EDGE_PUNCTUATION + " ").rstrip(
        _EDGE_PUNCTUATION.replace(".", "") + " "
    )
    return CleanQuery(core, candidate_keys(core, with_period))


def candidate_keys(core: str, with_period: str) -> tuple[str, ...]:
    key = headword_key(core)
    keys = [key, headword_key(with_period)]
    # "look-up", "look up" and "lookup" are one idea written three ways.
    keys.append(key.replace("-", " "))
    keys.append(key.replace("-", ""))
    keys.append(key.replace(" ", "-"))
    keys.append(_without_accents(key))
    for filler in _LEADING_FILLERS:
        if key.startswith(filler) and len(key) > len(filler):
            keys.append(key[len(filler) :])
    return tuple(dict.fromkeys(k for k in keys if k))


def _without_accents(key: str) -> str:
    decomposed = unicodedata.normalize("NFKD", key)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
