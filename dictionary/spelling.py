"""Spelling suggestions by symmetric deletion, ranked with rapidfuzz.

The build stores every known word together with each string made by deleting one of its
letters. A query generates its own deletions (up to two); any shared string makes the word a
candidate. That finds every word one edit away and most words two edits away with a few
indexed reads instead of a scan of 200,000 words. Candidates are then measured with the
optimal string alignment distance, where swapping two neighbouring letters ("recieve") is one
edit, and ranked by distance, then by how common the word is.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz.distance import OSA

# Words shorter than this get a single edit: two edits turn "cat" into almost anything.
TWO_EDITS_FROM_LENGTH = 5
# Longer queries (phrases) get one: two edits of 60 letters is 1,800 keys to read.
TWO_EDITS_UP_TO_LENGTH = 20
MAX_SUGGESTIONS = 3


@dataclass(frozen=True, slots=True)
class Candidate:
    text: str  # index key
    display: str  # "Paris" for the key "paris"
    zipf: float


def single_deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def index_keys(word: str) -> set[str]:
    """What the build stores for a dictionary word: itself and its one-letter deletions."""
    return {word} | single_deletions(word)


def query_keys(query: str) -> set[str]:
    """What a query looks for: itself and its deletions up to the allowed edit distance."""
    keys = {query} | single_deletions(query)
    if max_edits(query) >= 2:
        for once in list(keys):
            keys |= single_deletions(once)
    keys.discard("")
    return keys


def max_edits(query: str) -> int:
    return 2 if TWO_EDITS_FROM_LENGTH <= len(query) <= TWO_EDITS_UP_TO_LENGTH else 1


def rank(query: str, candidates: Iterable[Candidate], limit: int = MAX_SUGGESTIONS) -> list[str]:
    limit_edits = max_edits(query)
    scored: list[tuple[int, float, str]] = []
    seen: set[str] = set()
    for candidate in candidates:
        if candidate.text in seen or candidate.text == query:
            continue
        seen.add(candidate.text)
        distance = OSA.distance(query, candidate.text, score_cutoff=limit_edits)
        if distance <= limit_edits:
            scored.append((distance, -candidate.zipf, candidate.display))
    scored.sort()
    return [text for _, _, text in scored[:limit]]
