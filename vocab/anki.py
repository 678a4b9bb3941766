"""The notebook as an Anki deck (``genanki``, pinned) and as CSV.

Notes have the fields Word, IPA, Definition, Example, Level (and the learner's Note); a
note's GUID comes from the learner and the word, so importing a newer export into Anki
updates the notes already there instead of adding copies.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import tempfile
from collections.abc import Sequence
from typing import Any

import genanki

FIELDS = ("Word", "IPA", "Definition", "Example", "Level", "Note")
CSV_COLUMNS = ("word", "ipa", "definition", "example", "level", "note", "starred", "added_at")
MODEL_ID = 1_607_392_318  # fixed: Anki recognises the note type across exports

_MODEL = genanki.Model(
    MODEL_ID,
    "Co~Learn word",
    fields=[{"name": f} for f in FIELDS],
    templates=[
        {
            "name": "Word to meaning",
            "qfmt": "<div class=word>{{Word}}</div><div class=ipa>{{IPA}}</div>",
            "afmt": "{{FrontSide}}<hr id=answer><div>{{Definition}}</div>"
            "<div class=example><i>{{Example}}</i></div><div class=level>{{Level}}</div>"
            "{{#Note}}<div class=note>{{Note}}</div>{{/Note}}",
        }
    ],
    css=".card{font-family:system-ui,sans-serif;font-size:20px;text-align:center}"
    ".word{font-size:32px}.ipa,.level{color:#666}.example{margin-top:.5em}",
)


def _stable_id(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:6], "big") + (1 << 30)


def apkg(user_id: int, owner_name: str, words: Sequence[dict[str, Any]]) -> bytes:
    """The deck as .apkg bytes (a zip holding a SQLite collection)."""
    deck = genanki.Deck(_stable_id(f"colearn-deck-{user_id}"), f"Co~Learn: {owner_name}")
    for word in words:
        fields = [
            str(word.get(k) or "")
            for k in ("word", "ipa", "definition", "example", "level", "note")
        ]
        deck.add_note(
            genanki.Note(
                model=_MODEL,
                fields=fields,
                guid=genanki.guid_for("colearn", user_id, word["word"]),
            )
        )
    handle, path = tempfile.mkstemp(suffix=".apkg")
    os.close(handle)
    try:
        genanki.Package(deck).write_to_file(path)
        with open(path, "rb") as written:
            return written.read()
    finally:
        os.unlink(path)


def csv_text(words: Sequence[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for word in words:
        writer.writerow(["" if word.get(c) is None else word[c] for c in CSV_COLUMNS])
    return out.getvalue()
