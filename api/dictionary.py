"""``GET /api/dictionary/{word}``: the learner's dictionary over HTTP (no sign-in needed).

200 with ``kind: "entry"`` or ``kind: "not_found"`` (with spelling suggestions): the lookup
worked either way. A word breaking the document's rule (more than 64 characters as sent, or
no letter of any script) is a 400 ``invalid_word`` in the one error shape. The dictionary
file is opened once, on the first lookup.
"""

from __future__ import annotations

import time
import unicodedata
from collections.abc import AsyncIterator

from aiohttp import web

from api.errors import ApiError
from api.models.learning_recaps import DictionaryEntry, DictionaryNotFound
from api.responses import json_response
from colearn.metrics import observe_lookup
from dictionary import Dictionary
from dictionary.config import DictionaryMissing
from dictionary.model import Invalid, NotFound
from dictionary.serialize import to_json
from dictionary.text import MAX_QUERY_CHARS


class _Holder:
    def __init__(self) -> None:
        self.dictionary: Dictionary | None = None

    def get(self) -> Dictionary:
        if self.dictionary is None:
            try:
                self.dictionary = Dictionary.open()
            except DictionaryMissing as exc:
                raise ApiError(503, "dictionary_unavailable", str(exc)) from None
        return self.dictionary


DICTIONARY = web.AppKey("dictionary", _Holder)


def _word_problem(word: str) -> str | None:
    """The document's rule for ``word``: 1-64 characters as sent, one of them a letter."""
    if len(word) > MAX_QUERY_CHARS:
        return (
            f"That is {len(word)} characters; a word or phrase can have at most {MAX_QUERY_CHARS}."
        )
    if not any(unicodedata.category(ch).startswith("L") for ch in word):
        return "A word needs at least one letter."
    return None


async def define(request: web.Request) -> web.Response:
    word = request.match_info["word"]
    problem = _word_problem(word)
    if problem:
        raise ApiError(400, "invalid_word", problem)
    words = request.app[DICTIONARY].get()
    started = time.perf_counter()
    result = words.lookup(word)
    observe_lookup("api", result, started)
    if isinstance(result, Invalid):
        # A word as the document allows it that is still no dictionary query (more than eight
        # words, or longer than 64 characters once Unicode-normalised) is in no entry.
        result = NotFound(query=result.query, suggestions=())
    answer: DictionaryEntry | DictionaryNotFound = to_json(result)
    return json_response(answer)


async def _dictionary(app: web.Application) -> AsyncIterator[None]:
    app[DICTIONARY] = _Holder()
    yield
    if app[DICTIONARY].dictionary is not None:
        app[DICTIONARY].dictionary.close()


def setup(app: web.Application) -> None:
    app.cleanup_ctx.append(_dictionary)
    app.router.add_get("/api/dictionary/{word}", define)
