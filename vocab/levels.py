"""A CEFR level (A1-C2) for any English word: cefrpy, checked against word frequency.

cefrpy (pinned in pyproject.toml) rates some 170,000 word forms by part of speech; we take
its average over parts of speech. Where it has no answer (phrases, contractions, rare or
new words) the level comes from wordfreq's Zipf frequency in bands (``FREQUENCY_BANDS``).
Where cefrpy answers but disagrees with the frequency band by three levels or more, its
answer is taken to be wrong (its own demo rates "towering" A1, a word seen 3 times in a
million) and the frequency band wins. See docs/vocabulary.md for the agreement measured.

Phrases and hyphenated words ("break the ice", "well-known") are rated by their hardest
part (wordfreq estimates a phrase's frequency from its parts), a phrase of several words
one level above that: an idiom is harder than the words it is made of.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

LEVELS = ("A1", "A2", "B1", "B2", "C1", "C2")
Source = Literal["cefrpy", "frequency", "frequency-override", "parts"]
# (lowest Zipf, level): a word at least this frequent is at most this level. The cut points
# are the midpoints between the median Zipf of cefrpy's levels on a calibration sample of
# 200 words (every 100th from rank 50 of wordfreq's top 20,000), not the sample checked.
FREQUENCY_BANDS: tuple[tuple[float, str], ...] = (
    (4.8, "A1"),
    (4.45, "A2"),
    (4.1, "B1"),
    (3.8, "B2"),
    (3.6, "C1"),
    (float("-inf"), "C2"),
)
LEMMA_DISCOUNT = 0.5
# cefrpy and the frequency band this many levels apart or more: cefrpy is overruled
OVERRULE_GAP = 3
_PARTS = re.compile(r"[a-z]+(?:'[a-z]+)?")


@dataclass(frozen=True, slots=True)
class Level:
    cefr: str
    source: Source

    @property
    def rank(self) -> int:
        return rank(self.cefr)


def rank(cefr: str) -> int:
    """1 for A1 .. 6 for C2."""
    return LEVELS.index(cefr) + 1


def zipf(word: str) -> float:
    """How common the word is, or its dictionary form (weekends: weekend) less half a point:
    a form is known once its lemma is, but "towering" is not "tower"."""
    # imported here: some 100 MB of word lists, needed only for words without a headword
    from lemminflect import getAllLemmas
    from wordfreq import zipf_frequency

    lemmas = {lemma for found in getAllLemmas(word).values() for lemma in found} - {word}
    own = zipf_frequency(word, "en")
    return max([own, *(zipf_frequency(lemma, "en") - LEMMA_DISCOUNT for lemma in lemmas)])


def frequency_level(zipf_value: float) -> str:
    for floor, cefr in FREQUENCY_BANDS:
        if zipf_value >= floor:
            return cefr
    raise AssertionError("the last band has no floor")


@lru_cache(maxsize=1)
def _analyzer():  # type: ignore[no-untyped-def]
    from cefrpy import CEFRAnalyzer  # about 0.2 s to open its word list: only when needed

    return CEFRAnalyzer()


def cefrpy_level(word: str) -> str | None:
    """cefrpy's own answer (its average over parts of speech), or None."""
    value = _analyzer().get_average_word_level_float(word)
    if value is None:
        return None
    return LEVELS[min(5, max(0, round(value) - 1))]


def _key(word: str) -> str:
    return word.strip().lower().replace("\u2019", "'")


def _parts(key: str) -> list[str]:
    """The words of a phrase or hyphenated word ([] for a single word)."""
    if " " not in key and "-" not in key:
        return []
    parts = [p for p in re.split(r"[\s\-]+", key) if _PARTS.fullmatch(p)]
    return parts if len(parts) > 1 else []


def _by_parts(key: str, ranks: list[int]) -> Level:
    # an idiom is harder than its words: one level up for a multi-word phrase
    bump = 1 if " " in key else 0
    return Level(LEVELS[min(6, max(ranks) + bump) - 1], "parts")


def _combine(key: str, by_frequency: str) -> Level:
    by_cefrpy = cefrpy_level(key) if _PARTS.fullmatch(key) else None
    if by_cefrpy is None:
        return Level(by_frequency, "frequency")
    if abs(rank(by_cefrpy) - rank(by_frequency)) >= OVERRULE_GAP:
        return Level(by_frequency, "frequency-override")
    return Level(by_cefrpy, "cefrpy")


@lru_cache(maxsize=100_000)
def level_of(word: str) -> Level:
    """The level of ``word`` (any case, any form; a phrase or hyphenated word by its hardest
    part). Loads wordfreq's and lemminflect's lists (some 100 MB) on first use."""
    key = _key(word)
    parts = _parts(key)
    if parts:
        return _by_parts(key, [level_of(p).rank for p in parts])
    return _combine(key, frequency_level(zipf(key)))


@lru_cache(maxsize=100_000)
def level_of_headword(headword: str, zipf_value: float | None) -> Level:
    """The level of a dictionary headword whose Zipf the dictionary knows: the same rules as
    ``level_of`` without loading wordfreq or lemminflect (the agent and the API stay small).
    A phrase's words are rated by cefrpy; only what neither knows falls back to ``level_of``."""
    key = _key(headword)
    parts = _parts(key)
    if parts:
        known = [cefrpy_level(p) for p in parts]
        if all(known):
            return _by_parts(key, [rank(k) for k in known if k])
        return level_of(key)
    if zipf_value is None:
        return level_of(key)
    return _combine(key, frequency_level(zipf_value))


def above(cefr: str, learner: str) -> bool:
    return rank(cefr) > rank(learner)
