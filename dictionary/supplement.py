"""Hand-written idioms that fill gaps in WordNet (see supplement.tsv)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dictionary.model import POS_LETTERS

SUPPLEMENT_FILE = Path(__file__).resolve().parent / "supplement.tsv"


@dataclass(frozen=True, slots=True)
class Idiom:
    phrase: str
    pos: str  # WordNet letter: n, v, a, r
    definition: str
    example: str


def read_supplement(path: Path = SUPPLEMENT_FILE) -> list[Idiom]:
    idioms: list[Idiom] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 4 or fields[1] not in POS_LETTERS:
            raise ValueError(
                f"{path.name} line {number}: expected phrase, part of speech "
                f"({', '.join(POS_LETTERS)}), definition and example separated by tabs"
            )
        phrase, pos, definition, example = fields
        idioms.append(Idiom(phrase, POS_LETTERS[pos], definition, example))
    return idioms
