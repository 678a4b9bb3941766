"""What a lookup returns: an entry, a miss with suggestions, or a query that is not a word."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

PartOfSpeech = Literal["noun", "verb", "adjective", "adverb"]
FrequencyBand = Literal["very common", "common", "less common", "rare"]
# WordNet's one-letter parts of speech (satellite adjectives are filed under "a").
POS_NAMES: dict[str, PartOfSpeech] = {"n": "noun", "v": "verb", "a": "adjective", "r": "adverb"}
POS_LETTERS: dict[str, str] = {name: letter for letter, name in POS_NAMES.items()}


@dataclass(frozen=True, slots=True)
class Sense:
    pos: PartOfSpeech
    definition: str
    examples: tuple[str, ...] = ()
    synonyms: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Frequency:
    zipf: float  # wordfreq's Zipf value: log10 of occurrences per billion words
    band: FrequencyBand


@dataclass(frozen=True, slots=True)
class Related:
    antonyms: tuple[str, ...] = ()
    broader: tuple[str, ...] = ()  # "a kind of": hypernyms of the first sense
    derived: tuple[str, ...] = ()  # same family: happy -> happiness


@dataclass(frozen=True, slots=True)
class CrossReference:
    """Another headword the query could mean, e.g. "left" is also the past tense of "leave"."""

    headword: str
    note: str  # how the query relates to it: "past tense", "" when it is the word itself
    pos: PartOfSpeech
    definition: str  # its first sense, so a reader can tell whether to look it up


@dataclass(frozen=True, slots=True)
class Entry:
    query: str  # what was asked, cleaned of punctuation
    headword: str  # the dictionary word the entry is about
    inflection: str | None  # "past tense" when the query is that form of the headword
    senses: tuple[Sense, ...]  # most common part of speech and sense first
    ipa: str | None  # of the headword, General American
    query_ipa: str | None  # of the query, when it is a different word than the headword
    frequency: Frequency | None  # None for phrases and hyphenated words (see frequency.py)
    related: Related = field(default_factory=Related)
    see_also: tuple[CrossReference, ...] = ()
    kind: Literal["entry"] = "entry"

    @property
    def lemma(self) -> str | None:
        """The headword when the query resolved to a different word (went -> go)."""
        return None if self.query.lower() == self.headword.lower() else self.headword

    @property
    def parts_of_speech(self) -> tuple[PartOfSpeech, ...]:
        return tuple(dict.fromkeys(sense.pos for sense in self.senses))


@dataclass(frozen=True, slots=True)
class NotFound:
    query: str
    suggestions: tuple[str, ...]  # closest known spellings, best first; may be empty
    # A frequent word that WordNet does not explain: "the", "of", "who".
    grammar_word: bool = False
    kind: Literal["not_found"] = "not_found"


@dataclass(frozen=True, slots=True)
class Invalid:
    query: str  # shortened for display when it was very long
    code: Literal["empty", "too_long", "no_letters", "too_many_words"]
    reason: str
    kind: Literal["invalid"] = "invalid"


LookupResult = Entry | NotFound | Invalid
