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


async def test_real_words_with_apostrophes_hyphens_and_accents_are_looked_up(api: Api) -> None:
    for word in ("o'clock", "look-up", "café", "CAFÉ"):
        reply = await api.call("GET", "/api/dictionary/" + quote(word))
        assert (reply.status, reply.body["kind"]) == (200, "entry"), (word, reply.body)
    for word in ("Grüße", "猫", "ßpelling"):  # letters of any script: a lookup, maybe no entry
        reply = await api.call("GET", "/api/dictionary/" + quote(word))
        assert reply.status == 200 and reply.body["kind"] in ("entry", "not_found"), word


async def test_the_documented_rule_is_the_rule(api: Api) -> None:
    """api/openapi.yaml: 1-64 characters as sent, at least one letter (\\p{L})."""
    for word in ("12345", "-- !!", "x" * 65):
        reply = await api.call("GET", "/api/dictionary/" + quote(word))
        assert (reply.status, reply.error_code) == (400, "invalid_word"), word
    # Within the rule but no dictionary query (more than 8 words): in no entry, not an error.
    many = await api.call("GET", "/api/dictionary/" + quote("a b c d e f g h i"))
    assert many.status == 200
    assert (many.body["kind"], many.body["suggestions"]) == ("not_found", [])
    # Unicode-normalised past 64 characters (U+FDFA is 18 letters in NFKC): no entry either.
    long = await api.call("GET", "/api/dictionary/" + quote("\ufdfa" * 4))
    assert long.status == 200 and long.body["kind"] == "not_found"
