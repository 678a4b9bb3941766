"""Session recaps: what to build them from, and keeping them, exactly once per occurrence.

An occurrence is due for its recaps once its scheduled end has passed and nobody is in its
room any more (or, should presence never close, ``OVERDUE`` after its end). The recap job
(``vocab.recap_job``) reads the ``Material`` in one read, builds the recaps outside any
transaction, and ``keep`` writes them in one unit of work that first claims the occurrence
in ``recap_runs``: a second worker (another process, or a retry after a crash) finds it
claimed and writes nothing, so each learner gets one recap, one set of cards and one mail.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import orjson

from db import review
from db.conn import Conn
from db.rows import Source, run
from db.times import from_db, to_db

RECAP_MAIL = "recap"  # the outbox kind
LEARNER, FACILITATOR = "learner", "facilitator"
OVERDUE = timedelta(hours=2)  # recap even if presence says someone is still in the room
LOOK_BACK = timedelta(days=2)  # occurrences that ended longer ago are not recapped


@dataclass(frozen=True, slots=True)
class Attendee:
    user_id: int
    identity: str
    display_name: str
    stays: list[tuple[datetime, datetime]]  # joined, left (the occurrence's end if still open)
    level: str  # their own, '' when not set
    recap_emails: bool


@dataclass(frozen=True, slots=True)
class Material:
    occurrence_id: int
    session_id: int
    title: str
    session_level: str
    facilitator_id: int
    facilitator_emails: bool
    starts_at: datetime
    ends_at: datetime
    attendees: list[Attendee]
    chat: list[tuple[str, str, datetime]]  # sender identity, text, sent at
    captions: list[tuple[str, str, datetime, datetime]]  # speaker, text, started, ended
    lookups: list[tuple[str, str, str | None]]  # identity, headword, the sentence
    notebook: list[dict[str, Any]] = field(default_factory=list)  # words saved in the session


@dataclass(frozen=True, slots=True)
class Recap:
    user_id: int
    role: str
    body: dict[str, Any]  # as the API shows it
    cards: list[review.CardFacts]
    mail: bool


def _due(conn: Conn, now: datetime, limit: int) -> list[int]:
    rows = conn.all(
        "SELECT o.id FROM occurrences o WHERE o.ends_at <= :now AND o.ends_at >= :since"
        " AND o.status = 'scheduled'"
        " AND NOT EXISTS (SELECT 1 FROM recap_runs r WHERE r.occurrence_id = o.id)"
        " AND (o.ends_at <= :overdue OR NOT EXISTS (SELECT 1 FROM presence p"
        "  WHERE p.occurrence_id = o.id AND p.left_at IS NULL))"
        " ORDER BY o.ends_at, o.id LIMIT :limit",
        now=to_db(now),
        since=to_db(now - LOOK_BACK),
        overdue=to_db(now - OVERDUE),
        limit=limit,
    )
    return [int(r["id"]) for r in rows]


async def due(source: Source, now: datetime, limit: int = 10) -> list[int]:
    """Occurrences whose recaps are due now, the longest ended first."""
    return await run(source, _due, now, limit)


def _material(conn: Conn, occurrence_id: int) -> Material | None:
    head = conn.one(
        "SELECT o.id, o.session_id, o.starts_at, o.ends_at, s.title, s.level, s.facilitator_id,"
        " COALESCE(ls.recap_emails, 1) AS emails FROM occurrences o"
        " JOIN sessions s ON s.id = o.session_id"
        " LEFT JOIN learner_settings ls ON ls.user_id = s.facilitator_id WHERE o.id = :id",
        id=occurrence_id,
    )
    if head is None:
        return None
    ends = from_db(head["ends_at"])
    stays: dict[str, list[tuple[datetime, datetime]]] = {}
    names: dict[str, str] = {}
    for row in conn.all(
        "SELECT identity, display_name, joined_at, left_at FROM presence"
        " WHERE occurrence_id = :id ORDER BY joined_at, id",
        id=occurrence_id,
    ):
        left = from_db(row["left_at"]) if row["left_at"] else max(ends, from_db(row["joined_at"]))
        stays.setdefault(row["identity"], []).append((from_db(row["joined_at"]), left))
        names[row["identity"]] = row["display_name"] or names.get(row["identity"], "")
    ids = {int(i[5:]): i for i in stays if i.startswith("user-") and i[5:].isdigit()}
    attendees = []
    if ids:
        for row in conn.all(
            "SELECT u.id, u.display_name, COALESCE(ls.level, '') AS level,"
            " COALESCE(ls.recap_emails, 1) AS emails FROM users u"
            " LEFT JOIN learner_settings ls ON ls.user_id = u.id WHERE u.id IN :ids ORDER BY u.id",
            ids=list(ids),
        ):
            identity = ids[int(row["id"])]
            attendees.append(
                Attendee(
                    int(row["id"]),
                    identity,
                    row["display_name"] or names[identity],
                    stays[identity],
                    row["level"],
                    bool(row["emails"]),
                )
            )
    chat = [
        (r["sender_identity"], r["body"], from_db(r["sent_at"]))
        for r in conn.all(
            "SELECT sender_identity, body, sent_at FROM chat_messages WHERE occurrence_id = :id"
            " ORDER BY id",
            id=occurrence_id,
        )
    ]
    captions = [
        (r["speaker_identity"], r["text"], from_db(r["started_at"]), from_db(r["ended_at"]))
        for r in conn.all(
            "SELECT speaker_identity, text, started_at, ended_at FROM transcript_segments"
            " WHERE occurrence_id = :id ORDER BY started_at, id",
            id=occurrence_id,
        )
    ]
    lookups = [
        (r["identity"], r["headword"], r["context"])
        for r in conn.all(
            "SELECT identity, headword, context FROM vocabulary_lookups"
            " WHERE occurrence_id = :id ORDER BY id",
            id=occurrence_id,
        )
    ]
    notebook = [
        dict(r)
        for r in conn.all(
            "SELECT user_id, word, level, ipa, definition, example FROM notebook_words"
            " WHERE occurrence_id = :id ORDER BY id",
            id=occurrence_id,
        )
    ]
    return Material(
        occurrence_id=int(head["id"]),
        session_id=int(head["session_id"]),
        title=head["title"],
        session_level=head["level"],
        facilitator_id=int(head["facilitator_id"]),
        facilitator_emails=bool(head["emails"]),
        starts_at=from_db(head["starts_at"]),
        ends_at=ends,
        attendees=attendees,
        chat=chat,
        captions=captions,
        lookups=lookups,
        notebook=notebook,
    )


async def material(source: Source, occurrence_id: int) -> Material | None:
    return await run(source, _material, occurrence_id)


def keep(
    conn: Conn, occurrence_id: int, session_id: int, recaps: list[Recap], now: datetime
) -> bool:
    """Store the occurrence's recaps, their cards and mails; False (nothing written) when
    they were kept already."""
    stamp = to_db(now)
    claimed = conn.value(
        "INSERT INTO recap_runs (occurrence_id, built_at, recaps) VALUES (:id, :now, :n)"
        " ON CONFLICT (occurrence_id) DO NOTHING RETURNING occurrence_id",
        id=occurrence_id,
        now=stamp,
        n=len(recaps),
    )
    if claimed is None:
        return False
    for recap in recaps:
        body = orjson.dumps(recap.body).decode()
        conn.run(
            "INSERT INTO recaps (occurrence_id, user_id, role, body, built_at)"
            " VALUES (:occurrence, :user, :role, :body, :now)",
            occurrence=occurrence_id,
            user=recap.user_id,
            role=recap.role,
            body=body,
            now=stamp,
        )
        for card in recap.cards:
            review.add_card(conn, recap.user_id, card, review.RECAP, now)
        if recap.mail:
            _enqueue_mail(conn, occurrence_id, session_id, recap, stamp)
    return True


def _enqueue_mail(
    conn: Conn, occurrence_id: int, session_id: int, recap: Recap, stamp: str
) -> None:
    # Not a calendar mail: its own uid, so calendar SEQUENCE counts are not touched.
    payload = {"occurrence_id": occurrence_id, "session_id": session_id, "recap": recap.body}
    conn.run(
        "INSERT INTO outbox (kind, recipient, user_id, payload, ical_uid, ical_sequence,"
        " ical_method, dedupe_key, next_attempt_at, created_at)"
        " SELECT :kind, email, id, :payload, :uid, 0, 'REQUEST', :dedupe, :now, :now"
        " FROM users WHERE id = :user"
        " ON CONFLICT (dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING",
        kind=RECAP_MAIL,
        payload=orjson.dumps(payload).decode(),
        uid=f"recap-{occurrence_id}-{recap.user_id}",
        dedupe=f"recap:{occurrence_id}:{recap.user_id}",
        now=stamp,
        user=recap.user_id,
    )


def _recap(conn: Conn, occurrence_id: int, user_id: int) -> dict[str, Any] | None:
    row = conn.one(
        "SELECT body FROM recaps WHERE occurrence_id = :occurrence AND user_id = :user",
        occurrence=occurrence_id,
        user=user_id,
    )
    return None if row is None else orjson.loads(row["body"])


async def recap_of(source: Source, occurrence_id: int, user_id: int) -> dict[str, Any] | None:
    """The person's recap of the occurrence, as built; None when they have none."""
    return await run(source, _recap, occurrence_id, user_id)


def _built(conn: Conn, occurrence_id: int) -> bool:
    found = conn.value(
        "SELECT occurrence_id FROM recap_runs WHERE occurrence_id = :id", id=occurrence_id
    )
    return found is not None


async def built(source: Source, occurrence_id: int) -> bool:
    return await run(source, _built, occurrence_id)


def _list(conn: Conn, user_id: int, limit: int) -> list[dict[str, Any]]:
    rows = conn.all(
        "SELECT r.occurrence_id, r.role, r.built_at, s.title, o.starts_at FROM recaps r"
        " JOIN occurrences o ON o.id = r.occurrence_id JOIN sessions s ON s.id = o.session_id"
        " WHERE r.user_id = :user ORDER BY o.starts_at DESC, r.id DESC LIMIT :limit",
        user=user_id,
        limit=limit,
    )
    return [dict(r) for r in rows]


async def recaps_of(source: Source, user_id: int, limit: int = 100) -> list[dict[str, Any]]:
    """The person's recaps, newest session first (without their bodies)."""
    return await run(source, _list, user_id, limit)
