"""The learner's dictionary over HTTP: what the web page's dictionary panel shows."""

from __future__ import annotations

from urllib.parse import quote

from tests.support.api_client import Api


async def test_an_inflected_form_finds_its_base_word(api: Api) -> None:
    reply = await api.call("GET", "/api/dictionary/Went")
    assert reply.status == 200
    assert reply.body["kind"] == "entry"
    assert reply.body["headword"] == "go"
    assert reply.body["ipa"]
    assert reply.body["senses"][0]["definition"]


async def test_a_phrase_with_spaces_is_looked_up(api: Api) -> None:
    reply = await api.call("GET", "/api/dictionary/" + quote("look up"))
    assert reply.status == 200
    assert (reply.body["kind"], reply.body["headword"]) == ("entry", "look up")


async def test_a_misspelling_answers_with_suggestions(api: Api) -> None:
    reply = await api.call("GET", "/api/dictionary/recieve")
    assert reply.status == 200
    assert reply.body["kind"] == "not_found"
    assert "receive" in reply.body["suggestions"]


async def test_symbols_are_a_clear_400(api: Api) -> None:
    reply = await api.call("GET", "/api/dictionary/" + quote("!!!???"))
    assert reply.status == 400
    assert reply.error_code == "invalid_word"
    assert reply.body["error"]["message"]
