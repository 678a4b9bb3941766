"""Reading the WordNet database files (data.*, index.*, index.sense) into plain records.

Format: Princeton's wndb(5) and senseidx(5) manual pages. Only what the dictionary shows is
kept: words, glosses, a few pointer kinds, sense order and tag counts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

# File suffix -> the one-letter part of speech used in pointers and index files.
POS_FILES: dict[str, str] = {"noun": "n", "verb": "v", "adj": "a", "adv": "r"}
# index.sense's ss_type digit -> part of speech; satellites (5) are adjectives.
SENSE_TYPES: dict[str, str] = {"1": "n", "2": "v", "3": "a", "4": "r", "5": "a"}
# Pointers worth showing a learner; the rest (domains, member meronyms...) are for linguists.
KEPT_POINTERS = frozenset({"!", "@", "@i", "+"})
_ADJECTIVE_MARKER = re.compile(r"\((?:a|p|ip)\)$")
_EXAMPLE = re.compile(r'"([^"]*)"')
# WordNet quotes with a backtick and an apostrophe: `good'.
_BACKTICK_QUOTE = re.compile(r"`([^`']*)'")


@dataclass(frozen=True, slots=True)
class Pointer:
    symbol: str
    target: tuple[str, int]  # (pos, offset)
    source_word: int  # 1-based word number in this synset, 0 for the whole synset
    target_word: int


@dataclass(frozen=True, slots=True)
class Synset:
    pos: str  # n, v, a or r (satellites count as a)
    offset: int
    words: tuple[str, ...]  # as written, underscores turned into spaces
    definition: str
    examples: tuple[str, ...]
    pointers: tuple[Pointer, ...]

    @property
    def key(self) -> tuple[str, int]:
        return (self.pos, self.offset)


@dataclass(frozen=True, slots=True)
class IndexEntry:
    lemma: str  # lower case, underscores turned into spaces
    pos: str
    offsets: tuple[int, ...]  # senses, most frequent first


def data_files(directory: Path) -> list[tuple[str, Path]]:
    return [(pos, directory / f"data.{suffix}") for suffix, pos in POS_FILES.items()]


def index_files(directory: Path) -> list[tuple[str, Path]]:
    return [(pos, directory / f"index.{suffix}") for suffix, pos in POS_FILES.items()]


def content_lines(path: Path) -> Iterator[str]:
    """Lines of a WordNet file without the licence header (which starts with two spaces)."""
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if not line.startswith("  "):
                yield line.rstrip("\n")


def parse_data_line(pos: str, line: str) -> Synset:
    body, _, gloss = line.partition(" | ")
    fields = body.split()
    offset = int(fields[0])
    word_count = int(fields[3], 16)
    words = tuple(
        _ADJECTIVE_MARKER.sub("", fields[4 + 2 * i]).replace("_", " ") for i in range(word_count)
    )
    cursor = 4 + 2 * word_count
    pointer_count = int(fields[cursor])
    pointers: list[Pointer] = []
    for i in range(pointer_count):
        symbol, target, target_pos, numbers = fields[cursor + 1 + 4 * i : cursor + 5 + 4 * i]
        if symbol in KEPT_POINTERS:
            pointers.append(
                Pointer(
                    symbol,
                    ("a" if target_pos == "s" else target_pos, int(target)),
                    int(numbers[:2], 16),
                    int(numbers[2:], 16),
                )
            )
    definition, examples = split_gloss(gloss)
    return Synset(pos, offset, words, definition, examples, tuple(pointers))


def split_gloss(gloss: str) -> tuple[str, tuple[str, ...]]:
    gloss = _BACKTICK_QUOTE.sub(r"'\1'", gloss.strip())
    first_quote = gloss.find('"')
    if first_quote < 0:
        return gloss.rstrip("; "), ()
    definition = gloss[:first_quote].strip().rstrip(";").strip()
    examples = tuple(e.strip() for e in _EXAMPLE.findall(gloss[first_quote:]) if e.strip())
    return definition, examples


def parse_index_line(pos: str, line: str) -> IndexEntry:
    fields = line.split()
    synset_count = int(fields[2])
    pointer_count = int(fields[3])
    first_offset = 4 + pointer_count + 2
    offsets = tuple(int(o) for o in fields[first_offset : first_offset + synset_count])
    return IndexEntry(fields[0].replace("_", " "), pos, offsets)


TagCounts = dict[tuple[str, str, int], int]


def read_tag_counts(directory: Path, index: Iterable[IndexEntry]) -> TagCounts:
    """(lemma, pos, offset) -> how often SemCor tagged that sense; a proxy for how common.

    From index.sense (WordNet 3.1 on npm) or else cntlist.rev (Debian's WordNet 3.0), which
    gives sense numbers instead of offsets: sense n is the n-th offset in the index file.
    """
    counts: TagCounts = {}
    if (directory / "index.sense").is_file():
        for line in content_lines(directory / "index.sense"):
            sense_key, offset, _sense_number, tag_count = line.split()
            lemma, pos = _lemma_and_pos(sense_key)
            key = (lemma, pos, int(offset))
            counts[key] = counts.get(key, 0) + int(tag_count)
    elif (directory / "cntlist.rev").is_file():
        offsets = {(entry.lemma, entry.pos): entry.offsets for entry in index}
        for line in content_lines(directory / "cntlist.rev"):
            sense_key, sense_number, tag_count = line.split()
            lemma, pos = _lemma_and_pos(sense_key)
            senses = offsets.get((lemma, pos), ())
            if 0 < int(sense_number) <= len(senses):
                key = (lemma, pos, senses[int(sense_number) - 1])
                counts[key] = counts.get(key, 0) + int(tag_count)
    return counts


def _lemma_and_pos(sense_key: str) -> tuple[str, str]:
    lemma, _, lex_sense = sense_key.partition("%")
    return lemma.replace("_", " "), SENSE_TYPES[lex_sense[0]]


def count_lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(1 for _ in handle)
