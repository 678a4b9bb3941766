"""Which headword a spelling leads to: inflections (went -> go), phrase forms, placeholders.

Build-time only. lemminflect supplies inflections of every headword. When a spelling is both
a headword and an inflection of another one ("better", "running", "left"), the entry shown
is the headword's own only if that is a common word in its own right: SemCor tagged its own
senses at least OWN_USE_MIN_TAGS times, counting only parts of speech in which it is not just
the inflection. So "left" (the side, 50+ tags) stays "left", while "better" (its noun and verb
senses have 4 tags) shows "good", and "running" shows "run". The other reading is kept as a
cross-reference, so nothing is lost either way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from dictionary.lexicon import Headword, Lexicon

OWN_USE_MIN_TAGS = 10
MAX_CROSS_REFERENCES = 3
UPOS: dict[str, str] = {"n": "NOUN", "v": "VERB", "a": "ADJ", "r": "ADV"}
LETTER_OF_UPOS: dict[str, str] = {"NOUN": "n", "VERB": "v", "AUX": "v", "ADJ": "a", "ADV": "r"}
TAG_NAMES: dict[str, str] = {
    "NNS": "plural",
    "VBD": "past tense",
    "VBN": "past participle",
    "VBG": "-ing form",
    "VBZ": "present tense (he/she/it)",
    "VBP": "present tense",
    "JJR": "comparative",
    "JJS": "superlative",
    "RBR": "comparative",
    "RBS": "superlative",
}
# WordNet writes idioms with placeholders: "make up one's mind", "pull someone's leg".
PLACEHOLDERS: dict[str, tuple[str, ...]] = {
    "one's": ("my", "your", "his", "her", "its", "our", "their"),
    "someone's": ("my", "your", "his", "her", "our", "their"),
    "somebody's": ("my", "your", "his", "her", "our", "their"),
    "someone": ("me", "you", "him", "her", "us", "them"),
    "somebody": ("me", "you", "him", "her", "us", "them"),
    "oneself": ("myself", "yourself", "himself", "herself", "ourselves", "themselves"),
}


@dataclass(frozen=True, slots=True)
class FormRow:
    key: str
    headword: str  # headword key
    note: str  # "past tense and past participle"; "" for the headword itself
    pos: str  # part of speech the note is about; "" for the headword itself


@dataclass(slots=True)
class Reading:
    base: str
    pos: str
    tags: list[str] = field(default_factory=list)
    attested: bool = True  # lemminflect knows the form (not made up by its rules)

    @property
    def note(self) -> str:
        names = dict.fromkeys(TAG_NAMES[tag] for tag in self.tags)
        return " and ".join(names)


@dataclass(slots=True)
class FormTable:
    rows: dict[str, list[FormRow]]
    attested_forms: set[str]  # inflected spellings worth suggesting for typos


def build_forms(lexicon: Lexicon, zipf: dict[str, float]) -> FormTable:
    readings = _all_readings(lexicon)
    rows: dict[str, list[FormRow]] = {}
    for key in lexicon.headwords.keys() | readings.keys():
        rows[key] = _rank(key, lexicon.headwords.get(key), readings.get(key, {}), zipf)
    for headword in lexicon.headwords.values():
        for variant in placeholder_variants(headword.key):
            rows.setdefault(variant, [FormRow(variant, headword.key, "", "")])
    attested = {
        form
        for form, by_base in readings.items()
        if " " not in form and any(r.attested for r in by_base.values())
    }
    return FormTable(rows, attested)


def placeholder_variants(key: str) -> list[str]:
    tokens = key.split(" ")
    variants: list[str] = []
    for i, token in enumerate(tokens):
        for replacement in PLACEHOLDERS.get(token, ()):
            variants.append(" ".join([*tokens[:i], replacement, *tokens[i + 1 :]]))
    return variants


def _all_readings(lexicon: Lexicon) -> dict[str, dict[tuple[str, str], Reading]]:
    """form -> (base headword key, part of speech) -> how the form inflects it."""
    readings: dict[str, dict[tuple[str, str], Reading]] = {}
    for headword in lexicon.headwords.values():
        for pos in headword.tag_counts:
            for form, (tags, attested) in _inflections(headword, pos).items():
                reading = readings.setdefault(form, {}).setdefault(
                    (headword.key, pos), Reading(headword.key, pos, attested=attested)
                )
                reading.tags.extend(t for t in tags if t not in reading.tags)
    return readings


def _inflections(headword: Headword, pos: str) -> dict[str, tuple[list[str], bool]]:
    tokens = headword.key.split(" ")
    if len(tokens) == 1:
        return _inflect_word(headword.key, pos, invent=pos in "nv")
    # Phrasal verbs inflect their verb ("looked up"); compound nouns their last word
    # ("hot dogs"). Names ("New York") and longer idioms do not take a plural.
    if pos == "v":
        head, position = tokens[0], 0
    elif pos == "n" and headword.text.islower() and len(tokens) <= 3:
        head, position = tokens[-1], len(tokens) - 1
    else:
        return {}
    forms: dict[str, tuple[list[str], bool]] = {}
    for form, (tags, _) in _inflect_word(head, pos, invent=False).items():
        phrase = " ".join([*tokens[:position], form, *tokens[position + 1 :]])
        forms[phrase] = (tags, False)
    return forms


def _inflect_word(word: str, pos: str, *, invent: bool) -> dict[str, tuple[list[str], bool]]:
    from lemminflect import getAllInflections, getAllInflectionsOOV

    known = getAllInflections(word, upos=UPOS[pos])
    found = known or (getAllInflectionsOOV(word, upos=UPOS[pos]) if invent else {})
    forms: dict[str, tuple[list[str], bool]] = {}
    for tag, spellings in found.items():
        if tag not in TAG_NAMES:
            continue
        for spelling in spellings:
            if spelling != word:
                forms.setdefault(spelling, ([], bool(known)))[0].append(tag)
    return forms


def _rank(
    key: str,
    exact: Headword | None,
    by_base: dict[tuple[str, str], Reading],
    zipf: dict[str, float],
) -> list[FormRow]:
    readings = sorted(by_base.values(), key=_reading_order(key, zipf))
    # One row per base word, described by its likeliest part of speech ("glasses" is the
    # plural of "glass", though it is also what the verb "glass" does in the present).
    first_by_base: dict[str, Reading] = {}
    for reading in readings:
        first_by_base.setdefault(reading.base, reading)
    inflected = [FormRow(key, r.base, r.note, r.pos) for r in first_by_base.values()]
    if exact is None:
        return inflected[: 1 + MAX_CROSS_REFERENCES]
    own = FormRow(key, exact.key, "", "")
    if not inflected or _used_in_own_right(key, exact, readings):
        return [own, *inflected[:MAX_CROSS_REFERENCES]]
    return [inflected[0], own, *inflected[1:MAX_CROSS_REFERENCES]]


def _reading_order(key: str, zipf: dict[str, float]) -> Callable[[Reading], tuple[int, float]]:
    from lemminflect import getAllLemmas

    # lemminflect lists the likelier lemma first: "better" is good's before well's.
    listed = [
        (LETTER_OF_UPOS.get(upos), lemma)
        for upos, lemmas in getAllLemmas(key).items()
        for lemma in lemmas
    ]

    def order(reading: Reading) -> tuple[int, float]:
        try:
            position = listed.index((reading.pos, reading.base))
        except ValueError:
            position = len(listed)
        return (position, -zipf.get(reading.base, 0.0))

    return order


def _used_in_own_right(key: str, exact: Headword, readings: list[Reading]) -> bool:
    from lemminflect import getAllLemmas

    own_pos = {
        LETTER_OF_UPOS.get(upos)
        for upos, lemmas in getAllLemmas(key).items()
        if lemmas and lemmas[0] == key
    }
    inflected_pos = {r.pos for r in readings}
    own_tags = sum(
        count
        for pos, count in exact.tag_counts.items()
        if pos not in inflected_pos or pos in own_pos
    )
    return own_tags >= OWN_USE_MIN_TAGS
