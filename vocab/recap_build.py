"""Building the recaps of one occurrence from what the agent kept (no network, no model).

For each learner (an account that was in the room, not the facilitator):
- ``looked_up``: the words they looked up there (``/define``, the dictionary panel, taps);
- ``new_words``: words above their level that others said while they were in the room
  (captions) or wrote in the chat, each with its level, a short definition from our
  dictionary, the sentence it came in and whether it was ``heard`` or ``read``;
- ``participation``: talk time (their caption segments), messages sent, time present.
The learner's level is their own setting, else the session's, else ``DEFAULT_LEVEL``.
The facilitator's recap has the session's key vocabulary (words above the session's level,
most used first), the words learners looked up, and each learner's participation.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from agents.vocabulary import MAX_CONTEXT_CHARS
from colearn.wire import AGENT_IDENTITY
from db import review
from db.recaps import FACILITATOR, LEARNER, Attendee, Material, Recap
from dictionary import Dictionary
from dictionary.model import Entry
from vocab.facts import short_definition
from vocab.levels import level_of, level_of_headword, rank

DEFAULT_LEVEL = "B1"
MAX_NEW_WORDS = 15
MAX_KEY_WORDS = 20
_TOKEN = re.compile(r"[A-Za-z]+(?:['\u2019-][A-Za-z]+)*")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
_SENTENCE_START = re.compile(r"(?:^|[.!?]\s+)([A-Za-z])")


@dataclass
class _Said:
    """One caption segment or chat message, cut into words."""

    who: str
    kind: str  # "heard" | "read"
    text: str
    start: datetime
    end: datetime
    words: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class _Word:
    headword: str
    level: str
    ipa: str | None
    definition: str


class Lexicon:
    """Levels and dictionary answers, each asked once: a recap job keeps one for all its
    builds (the dictionary does not change while a process runs)."""

    LIMIT = 200_000  # words remembered; then it starts afresh

    def __init__(self, dictionary: Dictionary | None) -> None:
        self.dictionary = dictionary
        self._cache: dict[str, _Word | None] = {}

    def word(self, token: str) -> _Word | None:
        if token in self._cache:
            return self._cache[token]
        if len(self._cache) >= self.LIMIT:
            self._cache.clear()
        found: _Word | None = None
        if self.dictionary is None:
            found = _Word(token, level_of(token).cefr, None, "")
        else:
            entry = self.dictionary.lookup(token)
            if isinstance(entry, Entry):
                head = entry.headword.lower()
                zipf = entry.frequency.zipf if entry.frequency is not None else None
                level = level_of_headword(head, zipf).cefr
                found = _Word(head, level, entry.ipa, short_definition(entry))
        self._cache[token] = found
        return found


def _cut(material: Material) -> tuple[list[_Said], set[str]]:
    """Everything said, and the words seen only with a capital inside a sentence (names)."""
    said: list[_Said] = []
    for who, text, start, end in material.captions:
        said.append(_Said(who, "heard", text, start, end))
    for who, text, at in material.chat:
        if text.lstrip().startswith("/") or who == AGENT_IDENTITY:
            continue  # commands, and the agent's own answers
        said.append(_Said(who, "read", text, at, at))
    lower: set[str] = set()
    capital: set[str] = set()
    for item in said:
        starts = {m.start(1) for m in _SENTENCE_START.finditer(item.text)}
        for match in _TOKEN.finditer(item.text):
            token = match.group().replace("\u2019", "'")
            key = token.lower()
            item.words.add(key)
            if token[0].islower():
                lower.add(key)
            elif match.start() not in starts:
                capital.add(key)
    return said, capital - lower


def _sentence_with(text: str, token: str) -> str:
    """The first sentence of ``text`` with ``token`` as a word (no regex compiled per word)."""
    for sentence in _SENTENCE_END.split(text):
        if any(
            m.group().lower().replace("\u2019", "'") == token for m in _TOKEN.finditer(sentence)
        ):
            sentence = sentence.strip()
            if len(sentence) > MAX_CONTEXT_CHARS:
                sentence = sentence[: MAX_CONTEXT_CHARS - 1] + "\u2026"
            return sentence
    return text


def _overlaps(item: _Said, stays: list[tuple[datetime, datetime]]) -> bool:
    return any(item.start <= left and item.end >= joined for joined, left in stays)


def _level_for(attendee: Attendee, material: Material) -> str:
    return attendee.level or material.session_level or DEFAULT_LEVEL


def _looked_up(material: Material, attendee: Attendee, lexicon: Lexicon) -> list[dict]:
    found: dict[str, dict] = {}
    for row in material.notebook:
        if row["user_id"] == attendee.user_id:
            found.setdefault(
                row["word"],
                {
                    "word": row["word"],
                    "level": row["level"],
                    "ipa": row["ipa"],
                    "definition": row["definition"],
                    "sentence": row["example"],
                },
            )
    for identity, headword, context in material.lookups:
        key = headword.lower()
        if identity != attendee.identity or key in found:
            continue
        known = lexicon.word(key)
        found[key] = {
            "word": key,
            "level": known.level if known else level_of(key).cefr,
            "ipa": known.ipa if known else None,
            "definition": known.definition if known else "",
            "sentence": context,
        }
    return list(found.values())


def _new_words(
    items: list[_Said], level: str, skip: set[str], names: set[str], lexicon: Lexicon, cap: int
) -> list[dict]:
    counts: Counter[str] = Counter()
    first: dict[str, tuple[_Word, str, str]] = {}
    for item in items:
        for token in item.words:
            if token in names or len(token) < 3:
                continue
            known = lexicon.word(token)
            if known is None or known.headword in skip or rank(known.level) <= rank(level):
                continue
            counts[known.headword] += 1
            if known.headword not in first:
                sentence = _sentence_with(item.text, token)
                first[known.headword] = (known, sentence, item.kind)
    ordered = sorted(counts, key=lambda w: (-counts[w], -rank(first[w][0].level), w))[:cap]
    return [
        {
            "word": w,
            "level": first[w][0].level,
            "ipa": first[w][0].ipa,
            "definition": first[w][0].definition,
            "sentence": first[w][1],
            "how": first[w][2],
            "times": counts[w],
        }
        for w in ordered
    ]


def _participation(material: Material, attendee: Attendee) -> dict:
    talk = sum(
        (end - start).total_seconds()
        for who, _t, start, end in material.captions
        if who == attendee.identity
    )
    messages = sum(
        1
        for who, text, _at in material.chat
        if who == attendee.identity and not text.lstrip().startswith("/")
    )
    present = sum((left - joined).total_seconds() for joined, left in attendee.stays)
    return {
        "user_id": attendee.user_id,
        "name": attendee.display_name,
        "talk_seconds": round(talk),
        "messages": messages,
        "seconds_present": round(max(0.0, present)),
    }


def _card(word: dict, occurrence_id: int) -> review.CardFacts:
    return review.CardFacts(
        word["word"],
        word["ipa"],
        word["definition"],
        word["sentence"],
        word["level"],
        occurrence_id,
    )


def build(material: Material, lexicon: Lexicon) -> list[Recap]:
    said, names = _cut(material)
    head = {
        "occurrence_id": material.occurrence_id,
        "session_id": material.session_id,
        "title": material.title,
        "starts_at": material.starts_at.isoformat(),
        "ends_at": material.ends_at.isoformat(),
    }
    recaps: list[Recap] = []
    learners = [a for a in material.attendees if a.user_id != material.facilitator_id]
    if not learners:
        return []  # nobody to recap for, and nothing for the facilitator to read
    everyone: list[dict] = []
    for attendee in learners:
        level = _level_for(attendee, material)
        looked = _looked_up(material, attendee, lexicon)
        mine = [
            s
            for s in said
            if s.who != attendee.identity and (s.kind == "read" or _overlaps(s, attendee.stays))
        ]
        skip = {w["word"] for w in looked}
        new = _new_words(mine, level, skip, names, lexicon, MAX_NEW_WORDS)
        part = _participation(material, attendee)
        everyone.append({**part, "level": level, "looked_up": [w["word"] for w in looked]})
        body = {
            **head,
            "role": LEARNER,
            "level": level,
            "looked_up": looked,
            "new_words": new,
            "participation": part,
        }
        cards = [_card(w, material.occurrence_id) for w in [*looked, *new]]
        recaps.append(Recap(attendee.user_id, LEARNER, body, cards, attendee.recap_emails))
    session_level = material.session_level or DEFAULT_LEVEL
    key = _new_words(said, session_level, set(), names, lexicon, MAX_KEY_WORDS)
    looked_by: Counter[str] = Counter(w for p in everyone for w in p["looked_up"])
    body = {
        **head,
        "role": FACILITATOR,
        "level": session_level,
        "key_vocabulary": key,
        "looked_up": [{"word": w, "learners": n} for w, n in looked_by.most_common()],
        "learners": everyone,
    }
    recaps.append(
        Recap(material.facilitator_id, FACILITATOR, body, [], material.facilitator_emails)
    )
    return recaps
