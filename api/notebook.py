"""The signed-in learner's vocabulary notebook (private: another person's word is a 404).

- ``GET /api/me/notebook``: search (``q``), sort (``sort`` = date|level|frequency|word,
  ``order`` = desc|asc), ``starred``, paged with ``limit``/``offset``; ``total`` counts matches;
- ``POST /api/me/notebook``: keep a word looked up in the dictionary panel or tapped in chat
  or captions, with its sentence and occurrence; 201 when new, 200 with ``already_saved``;
- ``PATCH /api/me/notebook/{id}``: ``starred`` and/or ``note`` (a star makes a review card);
- ``DELETE /api/me/notebook/{id}``.
"""

from __future__ import annotations

from secrets import token_hex

from aiohttp import web

from api.auth import require_user
from api.dictionary import DICTIONARY
from api.errors import ApiError
from api.keys import CONFIG, DB
from api.lookup import occurrence_or_404, path_id
from api.models.learning import (
    NotebookPage,
    NotebookWordChange,
    NotebookWordInput,
    NotebookWordSaved,
)
from api.models.queries import NotebookQuery
from api.responses import json_response
from api.room_access import identity_of
from api.validation import read_body, read_query
from db import notebook
from db.room_ref import RoomRef
from db.vocabulary import Lookup
from dictionary.model import Entry, Invalid, NotFound
from vocab.facts import word_facts


async def list_words(request: web.Request) -> web.Response:
    user = await require_user(request)
    q = read_query(request, NotebookQuery)
    # newest, hardest, most frequent first by default; words A to Z
    descending = (q.order or ("asc" if q.sort == "word" else "desc")) == "desc"
    total, words = await notebook.page(
        request.app[DB],
        user.id,
        search=q.q,
        sort=q.sort,
        descending=descending,
        starred_only=q.starred,
        limit=q.limit,
        offset=q.offset,
    )
    answer: NotebookPage = {
        "total": total,
        "offset": q.offset,
        "words": [w.as_json() for w in words],
    }
    return json_response(answer)


async def add_word(request: web.Request) -> web.Response:
    user = await require_user(request)
    body = await read_body(request, NotebookWordInput)
    asked, sentence = body.word, body.sentence
    occurrence_id, source = body.occurrence_id, body.source
    room = None
    if occurrence_id is not None:
        occurrence = await occurrence_or_404(request, occurrence_id)
        room = RoomRef(occurrence.room_name, occurrence.id)
    result = request.app[DICTIONARY].get().lookup(asked)
    if isinstance(result, Invalid):
        if result.code in ("empty", "no_letters"):  # the document's rule (a letter) broken
            raise ApiError(400, "invalid_word", result.reason)
        result = NotFound(result.query, ())  # over 8 words or 64 characters: in no entry
    if not isinstance(result, Entry):
        hint = f" Did you mean: {', '.join(result.suggestions[:5])}?" if result.suggestions else ""
        raise ApiError(
            404,
            "unknown_word",
            f"{result.query!r} is not in the dictionary, so it was not kept." + hint,
        )
    facts = word_facts(result, example=sentence or None, occurrence_id=occurrence_id, source=source)
    now = request.app[CONFIG].clock()
    # a lookup id of its own: each lookup in the page is logged once, like a /define message
    logged = Lookup(asked, result.headword, sentence or None, f"{source}-{token_hex(8)}", now)
    saved, created = await request.app[DB].write(
        notebook.save_lookup, user.id, facts, room, identity_of(user), logged, now
    )
    answer: NotebookWordSaved = {**saved.as_json(), "already_saved": not created}
    return json_response(answer, status=201 if created else 200)


async def _mine_or_404(request: web.Request) -> tuple[int, int]:
    user = await require_user(request)
    return user.id, path_id(request)


async def change_word(request: web.Request) -> web.Response:
    user_id, word_id = await _mine_or_404(request)
    body = await read_body(request, NotebookWordChange, required=True)
    starred, note = body.starred, body.note
    changed = await request.app[DB].write(
        notebook.change, user_id, word_id, starred, note, request.app[CONFIG].clock()
    )
    if changed is None:
        raise ApiError(404, "not_found", f"There is no word {word_id} in your notebook.")
    return json_response(changed.as_json())


async def remove_word(request: web.Request) -> web.Response:
    user_id, word_id = await _mine_or_404(request)
    if not await request.app[DB].write(notebook.remove, user_id, word_id):
        raise ApiError(404, "not_found", f"There is no word {word_id} in your notebook.")
    return web.Response(status=204)


def setup(app: web.Application) -> None:
    app.router.add_get("/api/me/notebook", list_words)
    app.router.add_post("/api/me/notebook", add_word)
    app.router.add_patch(r"/api/me/notebook/{id:\d+}", change_word)
    app.router.add_delete(r"/api/me/notebook/{id:\d+}", remove_word)
