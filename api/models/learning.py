"""Learning: the dictionary, what a room kept (transcript, chat, attendance, looked-up words),
the vocabulary notebook, review cards, recaps and the learner's settings.

The dictionary's answers and the recaps are in api/models/learning_recaps.py.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, PlainValidator, WithJsonSchema, model_validator
from typing_extensions import TypedDict

from api.models.base import ANSWER, Body, stating
from api.models.fields import ASCII_SPACE, PROSE, Flag, Level, Text, Whole, refuse
from api.models.learning_recaps import (
    CefrLevel,
    DictionaryResult,
    Participation,
    Recap,
    RecapList,
    RecapWord,
)
from api.models.operations import Time

MAX_WORD, MAX_SENTENCE, MAX_NOTE = 64, 300, 1000
CHANGE_WORD = "send starred (true or false) and/or note (text)"
CHANGE_SETTINGS = "send level ('A1'..'C2', or '') and/or recap_emails (true or false)"


def _word(value: object) -> str:
    """A word or phrase as typed: trimmed, not blank. Without a letter it is the handler's
    400 ``invalid_word`` (the dictionary's rule, which the schema's pattern states)."""
    if not isinstance(value, str):
        raise refuse("must be text")
    if len(value) > MAX_WORD:
        raise refuse(f"must be at most {MAX_WORD} characters")
    if any(ord(c) < 32 and c not in "\t\n" for c in value):
        raise refuse("must not contain control characters")
    if not any(c.isalpha() for c in value):  # str.isalpha is Unicode's L, the schema's \p{L}
        raise refuse("must have at least one letter")
    return value.strip(ASCII_SPACE)


Word = Annotated[
    str,
    PlainValidator(_word),
    WithJsonSchema(
        {
            "type": "string",
            "maxLength": MAX_WORD,
            "pattern": r"^[^\x00-\x08\x0b-\x1f]*\p{L}[^\x00-\x08\x0b-\x1f]*$",
            "description": "a word or phrase (at least one letter)",
        }
    ),
]


def _one_of_them(*names: str) -> Any:
    """The schema says what the model's validator checks: one of ``names`` at least, not
    null (a null is a field left out)."""
    return stating(
        anyOf=[{"required": [n], "properties": {n: {"not": {"type": "null"}}}} for n in names]
    )


# Requests


class CaptionsSwitch(Body):
    enabled: Flag


class NotebookWordInput(Body):
    word: Word
    sentence: Text(PROSE, max_length=MAX_SENTENCE) | None = None
    occurrence_id: Whole(1, 2**63 - 1) | None = None
    source: Literal["lookup", "tap"] = "lookup"


class NotebookWordChange(Body):
    """starred, note or both"""

    model_config = _one_of_them("starred", "note")

    starred: Flag | None = None
    note: Text(PROSE, max_length=MAX_NOTE) | None = None

    @model_validator(mode="after")
    def _something(self) -> NotebookWordChange:
        if self.starred is None and self.note is None:
            raise refuse(CHANGE_WORD)
        return self


class ReviewRating(Body):
    rating: Literal["again", "hard", "good", "easy"]


class LearnerSettingsChange(Body):
    """level, recap_emails or both"""

    model_config = _one_of_them("level", "recap_emails")

    level: Level | None = None
    recap_emails: Flag | None = None

    @model_validator(mode="after")
    def _something(self) -> LearnerSettingsChange:
        if self.level is None and self.recap_emails is None:
            raise refuse(CHANGE_SETTINGS)
        return self


# What a room kept


class TranscriptSpeaker(TypedDict):
    __pydantic_config__ = ANSWER  # type: ignore[misc]
    identity: str
    name: Annotated[str, Field(description="'' when the room never gave one")]


class TranscriptSegment(TypedDict):
    __pydantic_config__ = ANSWER  # type: ignore[misc]
    id: str
    speaker: TranscriptSpeaker
    text: str
    started_at: Time
    ended_at: Time


class Transcript(TypedDict):
    __pydantic_config__ = ANSWER  # type: ignore[misc]
    occurrence_id: int
    segments: list[TranscriptSegment]


class CaptionsState(TypedDict):
    __pydantic_config__ = ANSWER  # type: ignore[misc]
    session_id: int
    captions_enabled: bool


class RoomMessage(TypedDict):
    __pydantic_config__ = ANSWER  # type: ignore[misc]
    id: int
    message_id: str
    sender_identity: str
    sender_name: str
    text: str
    sent_at: Time


class MessagePage(TypedDict):
    __pydantic_config__ = ANSWER  # type: ignore[misc]
    occurrence_id: int
    messages: list[RoomMessage]
    next_after: Annotated[
        int | None, Field(description="where the next page starts; null on the last page")
    ]


class AttendanceEntry(TypedDict):
    __pydantic_config__ = ANSWER  # type: ignore[misc]
    identity: str
    display_name: str
    first_joined_at: Time
    seconds_present: int
    stays: int
    present: bool


class Attendance(TypedDict):
    __pydantic_config__ = ANSWER  # type: ignore[misc]
    occurrence_id: int
    attendees: list[AttendanceEntry]


class LookedUpWord(TypedDict):
    __pydantic_config__ = ANSWER  # type: ignore[misc]
    id: int
    occurrence_id: int | None
    query: str
    headword: str
    context: Annotated[str | None, Field(description="the sentence it came from")]
    looked_up_at: Time


class Vocabulary(TypedDict):
    __pydantic_config__ = ANSWER  # type: ignore[misc]
    words: list[LookedUpWord]
    next_after: int | None


# The notebook, review and settings


class NotebookWord(TypedDict):
    __pydantic_config__ = ANSWER  # type: ignore[misc]
    id: int
    word: Annotated[str, Field(description="the dictionary headword, lower case")]
    query: Annotated[str, Field(description="as asked or tapped")]
    level: CefrLevel
    zipf: Annotated[float, Field(description="wordfreq Zipf frequency")]
    ipa: str | None
    definition: str
    example: Annotated[str | None, Field(description="the sentence it came from")]
    occurrence_id: int | None
    source: Literal["define", "lookup", "tap"]
    starred: bool
    note: str
    times_seen: int
    added_at: Time
    last_seen_at: Time


class NotebookWordSaved(NotebookWord):
    already_saved: bool


class NotebookPage(TypedDict):
    __pydantic_config__ = ANSWER  # type: ignore[misc]
    total: Annotated[int, Field(description="how many words match")]
    offset: int
    words: list[NotebookWord]


class ReviewCard(TypedDict):
    __pydantic_config__ = ANSWER  # type: ignore[misc]
    id: int
    word: str
    ipa: str | None
    definition: str
    example: str | None
    level: CefrLevel
    occurrence_id: int | None
    origin: Literal["recap", "star"]
    state: Literal["learning", "review", "relearning"]
    due: Time
    reviews: int


class ReviewCount(TypedDict):
    __pydantic_config__ = ANSWER  # type: ignore[misc]
    due_count: int
    total: int


class ReviewDue(ReviewCount):
    cards: list[ReviewCard]


class ReviewAnswer(TypedDict):
    __pydantic_config__ = ANSWER  # type: ignore[misc]
    card: ReviewCard
    due_count: int


class LearnerSettings(TypedDict):
    __pydantic_config__ = ANSWER  # type: ignore[misc]
    level: Annotated[Level, Field(description="'' follows each session's level")]
    recap_emails: bool


REQUESTS = (
    CaptionsSwitch,
    NotebookWordInput,
    NotebookWordChange,
    ReviewRating,
    LearnerSettingsChange,
)
ANSWERS = (
    Transcript,
    CaptionsState,
    DictionaryResult,
    MessagePage,
    Attendance,
    Vocabulary,
    CefrLevel,
    NotebookWord,
    NotebookWordSaved,
    NotebookPage,
    ReviewCard,
    ReviewCount,
    ReviewDue,
    ReviewAnswer,
    LearnerSettings,
    RecapList,
    RecapWord,
    Participation,
    Recap,
)
