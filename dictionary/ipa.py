"""CMUdict's ARPAbet to IPA, General American, with stress marks before the stressed syllable.

CMUdict marks stress on vowels (AH1); IPA puts the mark where the syllable begins, so each
stressed vowel takes along the longest run of consonants before it that can start an English
syllable ("maximal onset": ex-TRA, not ext-RA). Words of one syllable get no mark, as in
learner's dictionaries.
"""

# IPA symbols look like Latin letters to ruff; here they are the point.
# ruff: noqa: RUF001, RUF002

from __future__ import annotations

from collections.abc import Sequence

VOWELS: dict[str, str] = {
    "AA": "ɑ",
    "AE": "æ",
    "AO": "ɔ",
    "AW": "aʊ",
    "AY": "aɪ",
    "EH": "ɛ",
    "EY": "eɪ",
    "IH": "ɪ",
    "IY": "i",
    "OW": "oʊ",
    "OY": "ɔɪ",
    "UH": "ʊ",
    "UW": "u",
}
# Unstressed AH and ER are the reduced vowels schwa and r-coloured schwa.
STRESS_DEPENDENT: dict[str, tuple[str, str]] = {"AH": ("ʌ", "ə"), "ER": ("ɝ", "ɚ")}
CONSONANTS: dict[str, str] = {
    "B": "b",
    "CH": "tʃ",
    "D": "d",
    "DH": "ð",
    "F": "f",
    "G": "ɡ",
    "HH": "h",
    "JH": "dʒ",
    "K": "k",
    "L": "l",
    "M": "m",
    "N": "n",
    "NG": "ŋ",
    "P": "p",
    "R": "ɹ",
    "S": "s",
    "SH": "ʃ",
    "T": "t",
    "TH": "θ",
    "V": "v",
    "W": "w",
    "Y": "j",
    "Z": "z",
    "ZH": "ʒ",
}
# Consonant clusters that can begin an English syllable (in ARPAbet).
ONSETS: frozenset[tuple[str, ...]] = frozenset(
    tuple(cluster.split())
    for cluster in (
        "P R",
        "P L",
        "B R",
        "B L",
        "T R",
        "D R",
        "K R",
        "K L",
        "G R",
        "G L",
        "F R",
        "F L",
        "TH R",
        "SH R",
        "S P",
        "S T",
        "S K",
        "S M",
        "S N",
        "S L",
        "S W",
        "S F",
        "T W",
        "D W",
        "K W",
        "G W",
        "TH W",
        "P Y",
        "B Y",
        "F Y",
        "V Y",
        "M Y",
        "K Y",
        "HH Y",
        "S P R",
        "S P L",
        "S T R",
        "S K R",
        "S K W",
        "S K Y",
        "S P Y",
    )
)
PRIMARY = "ˈ"
SECONDARY = "ˌ"


def arpabet_to_ipa(phones: Sequence[str]) -> str:
    """One pronunciation, e.g. ``["R", "IH0", "S", "IY1", "V"]`` -> ``rɪˈsiv``."""
    parsed = [_split_stress(phone) for phone in phones]
    vowel_positions = [i for i, (_, stress) in enumerate(parsed) if stress is not None]
    marks: dict[int, str] = {}
    if len(vowel_positions) > 1:
        previous_vowel = -1
        for position in vowel_positions:
            stress = parsed[position][1]
            if stress in ("1", "2"):
                start = _syllable_start(parsed, previous_vowel, position)
                marks[start] = PRIMARY if stress == "1" else SECONDARY
            previous_vowel = position
    out: list[str] = []
    for i, (base, stress) in enumerate(parsed):
        out.append(marks.get(i, ""))
        out.append(_symbol(base, stress))
    return "".join(out)


def _split_stress(phone: str) -> tuple[str, str | None]:
    if phone[-1].isdigit():
        return phone[:-1], phone[-1]
    return phone, None


def _syllable_start(parsed: list[tuple[str, str | None]], previous_vowel: int, vowel: int) -> int:
    if previous_vowel < 0:
        return 0
    consonants = [base for base, _ in parsed[previous_vowel + 1 : vowel]]
    for take in range(len(consonants), 0, -1):
        onset = tuple(consonants[-take:])
        if take == 1 or onset in ONSETS:
            # NG never starts a syllable: "singer" is sing-er.
            if take == 1 and onset[0] == "NG":
                return vowel
            return vowel - take
    return vowel


def _symbol(base: str, stress: str | None) -> str:
    if stress is None:
        try:
            return CONSONANTS[base]
        except KeyError:
            raise ValueError(f"unknown ARPAbet phone {base!r}") from None
    if base in STRESS_DEPENDENT:
        stressed, reduced = STRESS_DEPENDENT[base]
        return reduced if stress == "0" else stressed
    try:
        return VOWELS[base]
    except KeyError:
        raise ValueError(f"unknown ARPAbet vowel {base!r}") from None


def pronounce(text: str, cmu: dict[str, list[list[str]]]) -> str | None:
    """IPA of a word or phrase from CMUdict's first (most common) pronunciations, or None
    when any of its words is missing. Phrases and hyphenated words are spaced by word."""
    spoken: list[str] = []
    for word in text.lower().split():
        # CMUdict has some hyphenated words whole ("e-mail"); others are read part by part.
        parts = [word] if word in cmu else [p for p in word.split("-") if p]
        for part in parts:
            pronunciations = cmu.get(part)
            if not pronunciations:
                return None
            spoken.append(arpabet_to_ipa(pronunciations[0]))
    return " ".join(spoken) or None
