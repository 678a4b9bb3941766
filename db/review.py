"""Review cards: recap words and starred words, scheduled with FSRS (``vocab.schedule``).

A card is one word per learner (a word starred and also in a recap is one card). Answering
a card that is not due yet is refused (``NotDue``) and changes nothing, so a double-click or
a second tab cannot push a card further than one answer does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from db.conn import Conn, Row
from db.rows import Source, run
from db.times import from_db, to_db
from vocab import schedule

RECAP, STAR = "recap", "star"


class NotDue(Exception):
    def __init__(self, due: datetime) -> None:
        super().__init__(f"this card is not due until {to_db(due)}")
        self.due = due


@dataclass(frozen=True, slots=True)
class CardFacts:
    word: str
    ipa: str | None
    definition: str
    example: str | None
    level: str
    occurrence_id: int | None

    @classmethod
    def of(cls, facts: Any) -> CardFacts:
        """From anything with these fields (a notebook word's facts, a recap word)."""
        return cls(
            facts.word,
            facts.ipa,
            facts.definition,
            facts.example,
            facts.level,
            facts.occurrence_id,
        )


@dataclass(frozen=True, slots=True)
class ReviewCard:
    id: int
    facts: CardFacts
    origin: str
    state: str
    due: datetime
    reviews: int

    def as_json(self) -> dict[str, Any]:
        f = self.facts
        return {
            "id": self.id,
            "word": f.word,
            "ipa": f.ipa,
            "definition": f.definition,
            "example": f.example,
            "level": f.level,
            "occurrence_id": f.occurrence_id,
            "origin": self.origin,
            "state": self.state,
            "due": to_db(self.due),
            "reviews": self.reviews,
        }


_COLUMNS = "id, word, ipa, definition, example, level, occurrence_id, origin, fsrs, due, reviews"


def _card(row: Row) -> ReviewCard:
    facts = CardFacts(
        row["word"],
        row["ipa"],
        row["definition"],
        row["example"],
        row["level"],
        row["occurrence_id"],
    )
    return ReviewCard(
        int(row["id"]),
        facts,
        row["origin"],
        schedule.state_of(row["fsrs"]),
        from_db(row["due"]),
        int(row["reviews"]),
    )


def add_card(conn: Conn, user_id: int, facts: CardFacts, origin: str, now: datetime) -> bool:
    """A new card, due now; False when the learner has a card for this word already."""
    stamp = to_db(now)
    made = conn.value(
        "INSERT INTO review_cards (user_id, word, ipa, definition, example, level, origin,"
        " occurrence_id, fsrs, due, created_at)"
        " VALUES (:user, :word, :ipa, :definition, :example, :level, :origin, :occurrence,"
        " '{}', :now, :now)"
        " ON CONFLICT (user_id, word) DO NOTHING RETURNING id",
        user=user_id,
        word=facts.word,
        ipa=facts.ipa,
        definition=facts.definition,
        example=facts.example,
        level=facts.level,
        origin=origin,
        occurrence=facts.occurrence_id,
        now=stamp,
    )
    if made is None:
        return False
    conn.run(
        "UPDATE review_cards SET fsrs = :fsrs WHERE id = :id",
        fsrs=schedule.new_card(int(made), now),
        id=int(made),
    )
    return True


def _due(conn: Conn, user_id: int, now: datetime, limit: int) -> tuple[int, list[ReviewCard]]:
    stamp = to_db(now)
    count = conn.value(
        "SELECT COUNT(*) AS n FROM review_cards WHERE user_id = :user AND due <= :now",
        user=user_id,
        now=stamp,
    )
    rows = conn.all(
        f"SELECT {_COLUMNS} FROM review_cards WHERE user_id = :user AND due <= :now"
        " ORDER BY due, id LIMIT :limit",
        user=user_id,
        now=stamp,
        limit=limit,
    )
    return int(count), [_card(r) for r in rows]


async def due(
    source: Source, user_id: int, now: datetime, limit: int = 20
) -> tuple[int, list[ReviewCard]]:
    """(how many cards are due, the first ``limit`` of them, longest due first)."""
    return await run(source, _due, user_id, now, limit)


def _counts(conn: Conn, user_id: int, now: datetime) -> tuple[int, int]:
    row = conn.one(
        "SELECT COUNT(*) AS total,"
        " COALESCE(SUM(CASE WHEN due <= :now THEN 1 ELSE 0 END), 0) AS due"
        " FROM review_cards WHERE user_id = :user",
        user=user_id,
        now=to_db(now),
    )
    assert row is not None
    return int(row["due"]), int(row["total"])


async def counts(source: Source, user_id: int, now: datetime) -> tuple[int, int]:
    """(cards due now, cards in all)."""
    return await run(source, _counts, user_id, now)


def answer(conn: Conn, user_id: int, card_id: int, rating: str, now: datetime) -> ReviewCard | None:
    """Rate the owner's due card; None when it is not theirs; ``NotDue`` before its time."""
    row = conn.one(
        f"SELECT {_COLUMNS} FROM review_cards WHERE id = :id AND user_id = :user" + conn.for_update,
        id=card_id,
        user=user_id,
    )
    if row is None:
        return None
    due_at = from_db(row["due"])
    if due_at > now:
        raise NotDue(due_at)
    stored, next_due, _state = schedule.answer(row["fsrs"], rating, now)
    conn.run(
        "UPDATE review_cards SET fsrs = :fsrs, due = :due, reviews = reviews + 1 WHERE id = :id",
        fsrs=stored,
        due=to_db(next_due),
        id=card_id,
    )
    reloaded = conn.one(f"SELECT {_COLUMNS} FROM review_cards WHERE id = :id", id=card_id)
    assert reloaded is not None
    return _card(reloaded)
