"""Recaps after a session, built by the API's own mail worker from what the agent stored:
two learners of different levels get different words; the facilitator gets key vocabulary
and participation; mails go through the outbox unless turned off; built once."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from db import Database, occurrences, outbox
from db.chat import ChatMessage, store_message
from db.conn import Conn
from db.notebook import save_define
from db.presence import Arrival, join, leave
from db.room_ref import RoomRef
from db.transcripts import Segment, insert_segment
from db.vocabulary import Lookup
from dictionary import Dictionary
from mail.preview import rendered
from tests.support.api_client import Actor, Api
from tests.support.waiting import eventually
from tests.test_openapi import _check as matches_the_document
from vocab.facts import word_facts
from vocab.recap_job import RecapJob


async def _session(api: Api) -> tuple[Actor, Actor, Actor, int, RoomRef, datetime]:
    ada = await api.register("facilitator", name="Ada")
    session = await api.create_session(ada, duration_minutes=60)
    occurrence_id = session["occurrences"][0]["id"]
    ben, cleo = await api.register(name="Ben"), await api.register(name="Cleo")
    for learner in (ben, cleo):
        path = f"/api/occurrences/{occurrence_id}/bookings"
        assert (await api.call("POST", path, as_=learner)).status == 201
    db = await Database.open(api.config.db_url, run_migrations=False)
    try:
        found = await occurrences.occurrence(db, occurrence_id)
    finally:
        await db.aclose()
    assert found is not None
    return ada, ben, cleo, occurrence_id, RoomRef(found.room_name, occurrence_id), found.starts_at


def _said(room: RoomRef, who: Actor, text: str, at: datetime, seconds: float) -> Segment:
    return Segment(
        f"{room.name}-{who.id}-{at.timestamp()}",
        f"user-{who.id}",
        who.user["display_name"],
        "TR_mic",
        text,
        at,
        at + timedelta(seconds=seconds),
    )


async def test_two_learners_of_different_levels_get_their_own_recap(api: Api) -> None:
    ada, ben, cleo, occurrence_id, room, start = await _session(api)
    await api.call("PUT", "/api/me/learning", as_=ben, json={"level": "B1"})
    await api.call("PUT", "/api/me/learning", as_=cleo, json={"level": "C1", "recap_emails": False})
    minute = timedelta(minutes=1)
    words = Dictionary.open()
    entry = words.lookup("ubiquitous")
    words.close()

    def session(conn: Conn) -> None:
        for who, at in ((ada, start), (ben, start), (cleo, start + 5 * minute)):
            join(conn, room, Arrival(f"user-{who.id}", who.user["display_name"], at))
        segments = [
            (ada, "Fluency comes with practice, and mistakes are ubiquitous.", 10, 5),
            (cleo, "I agree completely.", 12, 4),
            (ada, "Their accent was impeccable.", 52, 3),  # Ben has left by then
        ]
        for who, text, at, seconds in segments:
            insert_segment(
                conn, room.name, occurrence_id, _said(room, who, text, start + at * minute, seconds)
            )
        chat = [
            (ben, "Finding it was pure serendipity.", 20),
            (cleo, "That was a remarkable story.", 21),
            (ben, "/define ubiquitous", 22),
        ]
        for n, (who, text, at) in enumerate(chat):
            message = ChatMessage(f"m{n}", f"user-{who.id}", "", text, start + at * minute)
            store_message(conn, room, message)
        looked = Lookup("ubiquitous", "ubiquitous", "mistakes are ubiquitous.", "m2", start)
        facts = word_facts(
            entry, example=looked.context, occurrence_id=occurrence_id, source="define"
        )
        save_define(conn, room, f"user-{ben.id}", looked, facts, start + 22 * minute)
        leave(conn, room, f"user-{ben.id}", start + 50 * minute)
        leave(conn, room, f"user-{ada.id}", start + 59 * minute)  # Cleo stays on

    db = await Database.open(api.config.db_url, run_migrations=False)
    try:
        await db.write(session)
        # a word Ben had from before, tapped again in this session: in this session's recap
        notebook = "/api/me/notebook"
        assert (await api.call("POST", notebook, as_=ben, json={"word": "pristine"})).status == 201
        tapped = {"word": "pristine", "occurrence_id": occurrence_id, "source": "tap"}
        assert (await api.call("POST", notebook, as_=ben, json=tapped)).status == 200
        recap_path = f"/api/occurrences/{occurrence_id}/recap"
        early = await api.call("GET", recap_path, as_=ben)
        assert early.status == 404 and early.body["error"]["code"] == "recap_not_ready"

        api.clock.now = start + 61 * minute  # the hour is over, but Cleo is still in the room
        await api.call("GET", "/api/me/learning", as_=ben)  # a commit would wake the worker
        still = await api.call("GET", recap_path, as_=ben)
        assert still.body["error"]["code"] == "recap_not_ready", "not while someone is there"
        await db.write(lambda conn: leave(conn, room, f"user-{cleo.id}", start + 62 * minute))
        api.clock.now = start + 62 * minute

        async def ready() -> dict | None:
            reply = await api.call("GET", recap_path, as_=ben)
            return reply.body if reply.status == 200 else None

        # the mail worker polls every second; "within two minutes" with room to spare
        mine = await eventually(ready, within=10, what="Ben's recap")
        theirs = (await api.call("GET", recap_path, as_=cleo)).body
        facilitator = (await api.call("GET", recap_path, as_=ada)).body
        stranger = await api.register()
        nobody = await api.call("GET", recap_path, as_=stranger)
        assert nobody.status == 404 and nobody.body["error"]["code"] == "no_recap"

        for who in (ben, ada):
            reply = await api.call("GET", recap_path, as_=who)
            matches_the_document("GET", recap_path, reply)
        matches_the_document(
            "GET", "/api/me/recaps", await api.call("GET", "/api/me/recaps", as_=ben)
        )
        assert mine["role"] == "learner" and mine["level"] == "B1"
        assert [w["word"] for w in mine["looked_up"]] == ["ubiquitous", "pristine"]
        assert mine["looked_up"][0]["definition"] and mine["looked_up"][0]["level"] == "C2"
        ben_new = {w["word"]: w for w in mine["new_words"]}
        assert "fluency" in ben_new, "B2, heard from Ada while Ben was there"
        assert ben_new["fluency"]["how"] == "heard" and ben_new["fluency"]["definition"]
        assert ben_new["fluency"]["sentence"].startswith("Fluency comes with practice")
        assert "serendipity" not in ben_new, "his own message"
        assert "impeccable" not in ben_new, "said after Ben left"
        assert "remarkable" not in ben_new, "not above B1"
        assert mine["participation"]["messages"] == 1, "a /define is no message"
        assert mine["participation"]["talk_seconds"] == 0

        assert theirs["level"] == "C1" and theirs["looked_up"] == []
        cleo_new = {w["word"]: w for w in theirs["new_words"]}
        assert {"ubiquitous", "serendipity", "impeccable"} <= set(cleo_new)
        assert cleo_new["serendipity"]["how"] == "read"
        assert cleo_new["serendipity"]["sentence"] == "Finding it was pure serendipity."
        assert "fluency" not in cleo_new and "remarkable" not in cleo_new
        assert theirs["participation"]["talk_seconds"] == 4

        assert facilitator["role"] == "facilitator"
        key = {w["word"] for w in facilitator["key_vocabulary"]}
        assert {"ubiquitous", "serendipity", "fluency", "impeccable"} <= key
        assert facilitator["looked_up"] == [
            {"word": "ubiquitous", "learners": 1},
            {"word": "pristine", "learners": 1},
        ]
        assert [p["name"] for p in facilitator["learners"]] == ["Ben", "Cleo"]
        assert facilitator["learners"][1]["talk_seconds"] == 4

        # the words are review cards now
        cards = (await api.call("GET", "/api/me/review?limit=50", as_=ben)).body
        assert {c["word"] for c in cards["cards"]} == {"ubiquitous", "pristine", *ben_new}
        listed = (await api.call("GET", "/api/me/recaps", as_=ben)).body["recaps"]
        assert [r["occurrence_id"] for r in listed] == [occurrence_id]

        mails = [m for m in await outbox.mails(db, limit=1000) if m.kind == "recap"]
        assert sorted(m.recipient for m in mails) == sorted([ben.email, ada.email]), (
            "Cleo turned recap mails off"
        )
        text = await rendered(db, next(m for m in mails if m.recipient == ben.email),
                              api.config.mail, api.clock.now)  # fmt: skip
        assert "Words you looked up" in text and "ubiquitous" in text and "fluency" in text
        assert "text/calendar" not in text

        # built once: another worker (or a restart) finds it done and writes nothing
        again = RecapJob(db)
        assert await again.recap(occurrence_id, api.clock.now) is False
        again.close()
        assert len([m for m in await outbox.mails(db, limit=1000) if m.kind == "recap"]) == 2
    finally:
        await db.aclose()


async def test_two_workers_racing_keep_one_set_of_recaps(api: Api) -> None:
    ada, ben, _cleo, occurrence_id, room, start = await _session(api)
    minute = timedelta(minutes=1)

    def session(conn: Conn) -> None:
        join(conn, room, Arrival(f"user-{ben.id}", "Ben", start))
        store_message(conn, room, ChatMessage("m0", f"user-{ada.id}", "", "How meticulous!", start))
        leave(conn, room, f"user-{ben.id}", start + 30 * minute)

    # the API's own worker is not due yet (its clock is before the end): two others race
    first = await Database.open(api.config.db_url, run_migrations=False)
    second = await Database.open(api.config.db_url, run_migrations=False)
    jobs = [RecapJob(first), RecapJob(second)]
    try:
        await first.write(session)
        after = start + 61 * minute
        kept = await asyncio.gather(*(job.recap(occurrence_id, after) for job in jobs))
        assert sorted(kept) == [False, True]
        mails = [m for m in await outbox.mails(first, limit=100) if m.kind == "recap"]
        assert sorted(m.recipient for m in mails) == sorted([ben.email, ada.email])
        cards = (await api.call("GET", "/api/me/review/count", as_=ben)).body
        assert cards == {"due_count": 0, "total": 1}, "one card: meticulous, due from the end"
    finally:
        for job in jobs:
            job.close()
        await first.aclose()
        await second.aclose()
