"""Frequency bands a learner understands, from wordfreq's Zipf scale.

Zipf is log10 of how often a word occurs per billion words (wordfreq 3.1, English). The cut
points and what they mean in ranks, counted on wordfreq's own list:

==============  ===========  ====================================================
band            Zipf         roughly
==============  ===========  ====================================================
very common     5.0 or more  the 1,100 most frequent words ("go", "people")
common          4.0 to 5.0   up to the 7,000 most frequent ("receive", "mouse")
less common     3.0 to 4.0   up to the 29,000 most frequent ("relieve", "deceive")
rare            below 3.0    everything else ("serendipity")
==============  ===========  ====================================================

Phrases and hyphenated words get no band: wordfreq estimates them from their parts, which
rates "break the ice" as common as "mouse" and "has-been" as very common.
"""

from __future__ import annotations

from dictionary.model import Frequency, FrequencyBand

BANDS: tuple[tuple[float, FrequencyBand], ...] = (
    (5.0, "very common"),
    (4.0, "common"),
    (3.0, "less common"),
    (float("-inf"), "rare"),
)


def band_for(zipf: float) -> FrequencyBand:
    for floor, band in BANDS:
        if zipf >= floor:
            return band
    raise AssertionError("the last band has no floor")


def frequency_for(zipf: float | None) -> Frequency | None:
    return None if zipf is None else Frequency(round(zipf, 2), band_for(zipf))
