"""Spaced repetition with FSRS (the ``fsrs`` package, pinned): desired retention 0.9.

Fuzzing is off, so the same answers at the same times always give the same due dates
(the tests run a fixed clock through it, and two learners who answer alike see alike).
A card's state is kept as ``fsrs.Card.to_json()``.
"""

from __future__ import annotations

from datetime import datetime

from fsrs import Card, Rating, Scheduler

DESIRED_RETENTION = 0.9
RATINGS = {"again": Rating.Again, "hard": Rating.Hard, "good": Rating.Good, "easy": Rating.Easy}
_SCHEDULER = Scheduler(desired_retention=DESIRED_RETENTION, enable_fuzzing=False)


def new_card(card_id: int, now: datetime) -> str:
    """A card due at once, as stored."""
    return Card(card_id=card_id, due=now).to_json()


def answer(stored: str, rating: str, now: datetime) -> tuple[str, datetime, str]:
    """The card after ``rating`` at ``now``: (as stored, next due, state name)."""
    card, _log = _SCHEDULER.review_card(Card.from_json(stored), RATINGS[rating], now)
    return card.to_json(), card.due, card.state.name.lower()


def state_of(stored: str) -> str:
    return Card.from_json(stored).state.name.lower()
