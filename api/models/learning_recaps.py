"""The dictionary's answers and the recaps after a session (with api/models/learning.py).

Each is one of two shapes, told apart by ``kind`` (an entry, or not found) and by ``role``
(a learner's recap, or the facilitator's): the schema is a root model over the two, and the
dict a handler sends is one of the two TypedDicts.
"""

from __future__ import annotations

from typing import Annotated, Literal, NotRequired

from pydantic import Field, RootModel
from typing_extensions import TypedDict

from api.models import fields
from api.models.base import ANSWER
from api.models.operations import Time

PartOfSpeech = Literal["noun", "verb", "adjective", "adverb"]  # dictionary/model.py


class CefrLevel(RootModel[fields.CefrLevel]):
    """A CEFR level, A1 to C2."""


# GET /api/dictionary/{word} (dictionary/serialize.py writes it)


class WordFrequency(TypedDict):
    __pydantic_config__ = ANSWER  # type: ignore[misc]
    zipf: Annotated[float, Field(description="wordfreq's Zipf value")]
    band: Literal["very common", "common", "less common", "rare"]


class DictionarySense(TypedDict):
    __pydantic_config__ = ANSWER  # type: ignore[misc]
    pos: PartOfSpeech
    definition: str
    examples: list[str]
    synonyms: list[str]


class RelatedWords(TypedDict):
    __pydantic_config__ = ANSWER  # type: ignore[misc]
    antonyms: list[str]
    broader: Annotated[list[str], Field(description="'a kind of': the first sense's hypernyms")]
    derived: Annotated[list[str], Field(description="the same family: happy -> happiness")]


class CrossReference(TypedDict):
    __pydantic_config__ = ANSWER  # type: ignore[misc]
    headword: str
    note: Annotated[str, Field(description="how the query relates to it ('past tense'), or ''")]
    pos: PartOfSpeech
    definition: Annotated[str, Field(description="its first sense")]


class DictionaryEntry(TypedDict):
    """An entry: senses most common first, with examples and synonyms."""

    __pydantic_config__ = ANSWER  # type: ignore[misc]
    kind: Literal["entry"]
    query: Annotated[str, Field(description="what was asked, cleaned of punctuation")]
    headword: str
    lemma: Annotated[str | None, Field(description="null when the query is the headword")]
    inflection: Annotated[str | None, Field(description="'past tense' when the query is it")]
    ipa: Annotated[str | None, Field(description="the headword's, General American")]
    query_ipa: Annotated[str | None, Field(description="the query's, when another word")]
    frequency: Annotated[WordFrequency | None, Field(description="null for phrases")]
    parts_of_speech: list[PartOfSpeech]
    senses: list[DictionarySense]
    related: RelatedWords
    see_also: list[CrossReference]


class DictionaryNotFound(TypedDict):
    """No entry: the closest known spellings, best first (maybe none)."""

    __pydantic_config__ = ANSWER  # type: ignore[misc]
    kind: Literal["not_found"]
    query: str
    suggestions: list[str]
    grammar_word: Annotated[
        bool, Field(description="a frequent word the dictionary does not explain: the, of, who")
    ]


class DictionaryResult(
    RootModel[Annotated[DictionaryEntry | DictionaryNotFound, Field(discriminator="kind")]]
):
    """An entry (`kind: entry`) or suggestions (`kind: not_found`)."""


# Recaps (vocab/recap_build.py builds them; db/recaps.py keeps them as built)


class RecapWord(TypedDict):
    __pydantic_config__ = ANSWER  # type: ignore[misc]
    word: str
    level: CefrLevel
    ipa: str | None
    definition: str
    sentence: str | None
    how: NotRequired[
        Annotated[Literal["heard", "read"], Field(description="new words: in captions or chat")]
    ]
    times: NotRequired[Annotated[int, Field(description="new words: how often they came")]]


class Participation(TypedDict):
    __pydantic_config__ = ANSWER  # type: ignore[misc]
    user_id: int
    name: str
    talk_seconds: int
    messages: int
    seconds_present: int
    level: NotRequired[Annotated[CefrLevel, Field(description="in the facilitator's recap")]]
    looked_up: NotRequired[
        Annotated[list[str], Field(description="in the facilitator's recap: their words")]
    ]


class LookedUpBy(TypedDict):
    __pydantic_config__ = ANSWER  # type: ignore[misc]
    word: str
    learners: Annotated[int, Field(description="how many learners looked it up")]


class _RecapOf(TypedDict):
    """What every recap names: the meeting it is of."""

    occurrence_id: int
    session_id: int
    title: str
    starts_at: Time
    ends_at: Time


class LearnerRecap(_RecapOf):
    """A learner's recap: the words they looked up, new words above their level, and how
    they took part."""

    __pydantic_config__ = ANSWER  # type: ignore[misc]
    role: Literal["learner"]
    level: Annotated[CefrLevel, Field(description="theirs, else the session's, else B1")]
    looked_up: list[RecapWord]
    new_words: list[RecapWord]
    participation: Participation


class FacilitatorRecap(_RecapOf):
    """The facilitator's recap: the session's key vocabulary, the words learners looked up
    (most looked up first), and each learner's participation."""

    __pydantic_config__ = ANSWER  # type: ignore[misc]
    role: Literal["facilitator"]
    level: Annotated[CefrLevel, Field(description="the session's, else B1")]
    key_vocabulary: list[RecapWord]
    looked_up: list[LookedUpBy]
    learners: list[Participation]


class Recap(RootModel[Annotated[LearnerRecap | FacilitatorRecap, Field(discriminator="role")]]):
    """A learner's recap or the facilitator's (`role`)."""


class RecapSummary(TypedDict):
    __pydantic_config__ = ANSWER  # type: ignore[misc]
    occurrence_id: int
    title: str
    role: Literal["learner", "facilitator"]
    starts_at: Time
    built_at: Time


class RecapList(TypedDict):
    __pydantic_config__ = ANSWER  # type: ignore[misc]
    recaps: list[RecapSummary]
