"""How much of everyday English the dictionary covers, measured on wordfreq's own list.

The sample: wordfreq's 5,000 most frequent English words that are nouns, verbs, adjectives or
adverbs. A word counts as one when WordNet's index files (read here directly, not through the
dictionary) list it or one of its lemmas per lemminflect under some part of speech, since
WordNet indexes exactly those four. That alone would let in grammar words that WordNet happens
to list as something else ("i" as iodine, "who" as WHO), so the closed classes below are left
out, as are contractions and numbers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from lemminflect import getAllLemmas
from wordfreq import top_n_list

from dictionary import Dictionary, Entry
from dictionary.build import ensure_built
from dictionary.config import wordnet_dir

SAMPLE_SIZE = 5000
MIN_DEFINED = 0.98
MIN_PRONOUNCED = 0.90
WORD_SHAPE = re.compile(r"[a-z]+(?:-[a-z]+)*")
# Closed word classes: determiners, pronouns, prepositions, conjunctions, modal verbs and
# particles. Linguistic facts, not dictionary output.
FUNCTION_WORDS = frozenset(
    """
    a an the this that these those some any each every either neither no another such what
    which whose whatever whichever all both half several enough many much few little more most
    less least own other
    i me my mine myself you your yours yourself yourselves he him his himself she her hers
    herself it its itself we us our ours ourselves they them their theirs themselves one
    oneself who whom whoever someone somebody something anyone anybody anything everyone
    everybody everything nobody nothing none others
    of in on at by for with about against between among into onto through during before after
    above below to from up down out off over under across along around behind beyond near
    toward towards upon within without via per than like unlike despite except inside outside
    throughout till until since
    and or but nor so yet because although though while whereas if unless whether as once
    can could may might must shall should will would ought
    not to there here how when where why then
    """.split()
)


@pytest.fixture(scope="module")
def words() -> Iterator[Dictionary]:
    with Dictionary.open(ensure_built()) as opened:
        yield opened


def wordnet_lemmas(directory: Path) -> set[str]:
    lemmas: set[str] = set()
    for suffix in ("noun", "verb", "adj", "adv"):
        with (directory / f"index.{suffix}").open(encoding="utf-8") as index:
            lemmas.update(line.split(" ", 1)[0] for line in index if not line.startswith(" "))
    return lemmas


def content_words() -> list[str]:
    lemmas = wordnet_lemmas(wordnet_dir())
    sample = []
    for word in top_n_list("en", SAMPLE_SIZE):
        if not WORD_SHAPE.fullmatch(word) or word in FUNCTION_WORDS:
            continue
        candidates = {word} | {lemma for found in getAllLemmas(word).values() for lemma in found}
        if candidates & lemmas:
            sample.append(word)
    return sample


def test_most_frequent_content_words_are_defined_and_pronounced(
    words: Dictionary, capsys: pytest.CaptureFixture[str]
) -> None:
    sample = content_words()
    assert len(sample) > SAMPLE_SIZE // 2, "the sample lost most words: check the selection"
    defined: list[str] = []
    pronounced: list[str] = []
    missing: list[str] = []
    for word in sample:
        result = words.lookup(word)
        if isinstance(result, Entry) and result.senses:
            defined.append(word)
            # The learner hears the word they asked about: "went", not "go".
            if (result.query_ipa if result.lemma else result.ipa) is not None:
                pronounced.append(word)
        else:
            missing.append(word)
    defined_share = len(defined) / len(sample)
    pronounced_share = len(pronounced) / len(sample)
    with capsys.disabled():
        print(
            f"\ndictionary coverage of {len(sample)} frequent content words "
            f"(of wordfreq's top {SAMPLE_SIZE}): defined {defined_share:.1%}, "
            f"IPA {pronounced_share:.1%}; undefined: {', '.join(missing[:20])}"
        )
    assert defined_share >= MIN_DEFINED
    assert pronounced_share >= MIN_PRONOUNCED
