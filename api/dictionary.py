"""``GET /api/dictionary/{word}``: the learner's dictionary over HTTP (no sign-in needed).

200 with ``kind: "entry"`` or ``kind: "not_found"`` (with spelling suggestions): the lookup
worked either way. Input that is no word at all (only symbols, too long) is a 400 in the
one error shape. The dictionary file is opened once, on the first lookup.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

from aiohttp import web

from api.errors import ApiError
from api.responses import json_response
from colearn.metrics import observe_lookup
from dictionary import Dictionary
from dictionary.config import DictionaryMissing
from dictionary.model import Invalid
from dictionary.serialize import to_json


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


async def define(request: web.Request) -> web.Response:
    words = request.app[DICTIONARY].get()
    started = time.perf_counter()
    result = words.lookup(request.match_info["word"])
    observe_lookup("api", result, started)
    if isinstance(result, Invalid):
        raise ApiError(400, "invalid_word", result.reason)
    return json_response(to_json(result))


async def _dictionary(app: web.Application) -> AsyncIterator[None]:
    app[DICTIONARY] = _Holder()
    yield
    if app[DICTIONARY].dictionary is not None:
        app[DICTIONARY].dictionary.close()


def setup(app: web.Application) -> None:
    app.cleanup_ctx.append(_dictionary)
    app.router.add_get("/api/dictionary/{word}", define)
