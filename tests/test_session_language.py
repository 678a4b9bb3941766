"""A language per session: set and changed through the API, and what its room's captions use."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from faster_whisper.tokenizer import _LANGUAGE_CODES

from api.keys import DB
from colearn.languages import DEFAULT_LANGUAGE, WHISPER_LANGUAGES
from db import occurrences
from db.transcripts import caption_settings
from tests.support.api_client import Api

ROOT = Path(__file__).resolve().parent.parent


def test_the_languages_offered_are_the_ones_whisper_knows_everywhere() -> None:
    assert WHISPER_LANGUAGES == tuple(_LANGUAGE_CODES)
    source = (ROOT / "web/src/dashboard/languages.ts").read_text()
    listed = source.split("LANGUAGES: readonly string[] = [", 1)[1].split("]", 1)[0]
    assert tuple(re.findall(r"'([a-z]+)'", listed)) == WHISPER_LANGUAGES
    assert DEFAULT_LANGUAGE == "en"


async def test_a_session_is_in_english_unless_the_facilitator_chooses_another_language(
    api: Api,
) -> None:
    ada = await api.register("facilitator")
    plain = await api.create_session(ada)
    assert plain["language"] == "en"
    spanish = await api.create_session(ada, language="es")
    assert spanish["language"] == "es"
    shown = await api.call("GET", f"/api/sessions/{spanish['id']}")
    assert shown.status == 200 and shown.body["language"] == "es"
    listed = await api.call("GET", "/api/sessions")
    assert [s["language"] for s in listed.body["items"]] == ["en", "es"]

    changed = await api.call(
        "PATCH", f"/api/sessions/{spanish['id']}", as_=ada, json={"language": "fr"}
    )
    assert changed.status == 200 and changed.body["language"] == "fr"
    # an edit that does not name the language keeps it
    retitled = await api.call(
        "PATCH", f"/api/sessions/{spanish['id']}", as_=ada, json={"title": "Café"}
    )
    assert retitled.body["language"] == "fr" and retitled.body["title"] == "Café"
    again = await api.call("GET", f"/api/sessions/{spanish['id']}")
    assert again.body["language"] == "fr"


@pytest.mark.parametrize("bad", ["xx", "EN", "english", " es", "", 5, ["en"], True])
async def test_a_language_whisper_does_not_know_is_refused_naming_the_field(
    api: Api, bad: object
) -> None:
    ada = await api.register("facilitator")
    refused = await api.call(
        "POST",
        "/api/sessions",
        as_=ada,
        json={
            "title": "Conversation club",
            "timezone": "Europe/Berlin",
            "starts_at": "2026-12-01T18:00:00+01:00",
            "duration_minutes": 60,
            "capacity": 10,
            "language": bad,
        },
    )
    assert refused.status == 400, refused.body
    assert refused.error_code == "invalid_input"
    assert refused.body["error"]["message"].startswith("language must be")
    session = await api.create_session(ada, language="de")
    patched = await api.call(
        "PATCH", f"/api/sessions/{session['id']}", as_=ada, json={"language": bad}
    )
    assert patched.status == 400 and "language" in patched.body["error"]["message"]
    kept = await api.call("GET", f"/api/sessions/{session['id']}")
    assert kept.body["language"] == "de"


async def test_the_rooms_caption_settings_carry_the_sessions_language(api: Api) -> None:
    # What the caption agent reads (every 5 s) for the room it is in.
    ada = await api.register("facilitator")
    session = await api.create_session(ada, language="es")
    db = api.client.server.app[DB]
    found = await occurrences.occurrence(db, session["occurrences"][0]["id"])
    assert found is not None
    settings = await caption_settings(db, found.room_name)
    assert settings.language == "es" and settings.enabled
    await api.call("PATCH", f"/api/sessions/{session['id']}", as_=ada, json={"language": "en"})
    assert (await caption_settings(db, found.room_name)).language == "en"
    # a room the API did not create: the worker's own language
    assert (await caption_settings(db, "some-other-room")).language is None
