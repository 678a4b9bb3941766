"""WordNet plus the idiom supplement, gathered in memory as headwords with ordered senses.

Build-time only. A headword is a WordNet lemma across all its parts of speech; its senses are
ordered by part of speech (the one SemCor tagged most often first, so "run" starts with the
verb) and then in WordNet's own order, which is by frequency too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from dictionary.supplement import Idiom
from dictionary.wordnet import (
    IndexEntry,
    Synset,
    content_lines,
    data_files,
    index_files,
    parse_data_line,
    parse_index_line,
    read_tag_counts,
)

POS_ORDER = "nvar"
# Supplement senses get offsets no WordNet file uses (WordNet's have eight digits).
SUPPLEMENT_OFFSET = 100_000_000

Report = Callable[[str, int], None]  # (what, how many) after each file


@dataclass(slots=True)
class Headword:
    key: str  # text.headword_key form
    text: str  # display spelling
    senses: list[tuple[str, int]]  # synset keys (pos, offset) in display order
    tag_counts: dict[str, int] = field(default_factory=dict)  # pos -> SemCor total

    @property
    def is_single_word(self) -> bool:
        """wordfreq splits at spaces and hyphens, and its estimate for the pieces together
        is no frequency of the whole ("has-been" would rank as "very common")."""
        return " " not in self.key and "-" not in self.key


@dataclass(slots=True)
class Lexicon:
    synsets: dict[tuple[str, int], Synset]
    headwords: dict[str, Headword]

    def add_supplement(self, idioms: list[Idiom]) -> int:
        added = 0
        for number, idiom in enumerate(idioms):
            key = idiom.phrase.lower()
            if key in self.headwords:
                continue
            synset = Synset(
                idiom.pos,
                SUPPLEMENT_OFFSET + number,
                (idiom.phrase,),
                idiom.definition,
                (idiom.example,),
                (),
            )
            self.synsets[synset.key] = synset
            self.headwords[key] = Headword(key, idiom.phrase, [synset.key], {idiom.pos: 0})
            added += 1
        return added


def load_wordnet(directory: Path, report: Report) -> Lexicon:
    synsets: dict[tuple[str, int], Synset] = {}
    for pos, path in data_files(directory):
        before = len(synsets)
        for line in content_lines(path):
            synset = parse_data_line(pos, line)
            synsets[synset.key] = synset
        report(path.name, len(synsets) - before)
    by_lemma: dict[str, list[IndexEntry]] = {}
    for pos, path in index_files(directory):
        count = 0
        for line in content_lines(path):
            entry = parse_index_line(pos, line)
            by_lemma.setdefault(entry.lemma, []).append(entry)
            count += 1
        report(path.name, count)
    tag_counts = read_tag_counts(directory, (e for entries in by_lemma.values() for e in entries))
    report("senses with tag counts", len(tag_counts))
    headwords = {
        lemma: _headword(lemma, entries, synsets, tag_counts) for lemma, entries in by_lemma.items()
    }
    return Lexicon(synsets, headwords)


def _headword(
    lemma: str,
    entries: list[IndexEntry],
    synsets: dict[tuple[str, int], Synset],
    tag_counts: dict[tuple[str, str, int], int],
) -> Headword:
    totals = {e.pos: sum(tag_counts.get((lemma, e.pos, o), 0) for o in e.offsets) for e in entries}
    # Untagged words (most rare ones) fall back to the part of speech with more senses.
    entries = sorted(
        entries, key=lambda e: (-totals[e.pos], -len(e.offsets), POS_ORDER.index(e.pos))
    )
    senses = [(e.pos, offset) for e in entries for offset in e.offsets]
    first = synsets[senses[0]]
    text = next((w for w in first.words if w.lower() == lemma), lemma)
    return Headword(lemma, text, senses, totals)


def related_words(lexicon: Lexicon, headword: Headword, limit: int = 5) -> dict[str, list[str]]:
    """Antonyms and word-family members of this word, and what its first sense is a kind of."""
    found: dict[str, dict[str, None]] = {"antonyms": {}, "broader": {}, "derived": {}}
    for number, synset_key in enumerate(headword.senses):
        synset = lexicon.synsets[synset_key]
        own = [i + 1 for i, word in enumerate(synset.words) if word.lower() == headword.key]
        for pointer in synset.pointers:
            target = lexicon.synsets.get(pointer.target)
            if target is None:
                continue
            if pointer.symbol in ("@", "@i") and number == 0:
                found["broader"][target.words[0]] = None
            elif pointer.source_word in own and pointer.target_word:
                word = target.words[pointer.target_word - 1]
                if pointer.symbol == "!":
                    found["antonyms"][word] = None
                elif pointer.symbol == "+" and word.lower() != headword.key:
                    found["derived"][word] = None
    return {kind: list(words)[:limit] for kind, words in found.items()}
