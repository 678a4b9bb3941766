"""CMUdict ARPAbet to IPA: stress marks go where the stressed syllable starts."""

# IPA symbols look like Latin letters to ruff; here they are the point.
# ruff: noqa: RUF001, RUF003

from __future__ import annotations

import pytest

from dictionary.ipa import arpabet_to_ipa, pronounce


@pytest.mark.parametrize(
    ("phones", "ipa"),
    [
        ("S EH2 R AH0 N D IH1 P IH0 T IY0", "ˌsɛɹənˈdɪpɪti"),  # maximal onset: -ˈdɪ-
        ("R IH0 S IY1 V", "ɹɪˈsiv"),
        ("G OW1", "ɡoʊ"),  # one syllable: no stress mark
        ("EH0 K S T R AO1 R D AH0 N EH2 R IY0", "ɛkˈstɹɔɹdəˌnɛɹi"),
        ("S IH1 NG ER0", "ˈsɪŋɚ"),  # NG never starts a syllable
        ("B ER1 D", "bɝd"),
    ],
)
def test_arpabet_to_ipa(phones: str, ipa: str) -> None:
    assert arpabet_to_ipa(phones.split()) == ipa


def test_phrases_and_hyphenated_words_are_spoken_word_by_word() -> None:
    cmu = {"look": [["L", "UH1", "K"]], "up": [["AH1", "P"]], "well": [["W", "EH1", "L"]]}
    assert pronounce("look up", cmu) == "lʊk ʌp"
    assert pronounce("well-look", cmu) == "wɛl lʊk"
    assert pronounce("look out", cmu) is None  # half a pronunciation would mislead
    cmu["well-look"] = [["W", "EH1", "L", "L", "UH2", "K"]]
    assert pronounce("well-look", cmu) == "ˈwɛlˌlʊk"  # CMUdict's own entry wins
