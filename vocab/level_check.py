"""``python -m vocab.level_check``: how often cefrpy agrees with a second source on 200 words.

The sample is fixed: every 90th word of wordfreq's 20,000 most frequent English words
that is made of letters and known to cefrpy (200 words, from "the" down to rank ~20,000).
The second source is wordfreq's Zipf frequency in the bands of ``vocab.levels``: no CEFR
word list (Oxford 3000/5000, English Vocabulary Profile) is published as a package on the
registries we can install from, and frequency is what those lists were largely built on.
"""

from __future__ import annotations

from dataclasses import dataclass

from wordfreq import top_n_list

from vocab.levels import cefrpy_level, frequency_level, level_of, rank, zipf

SAMPLE_SIZE = 200
STEP = 90


@dataclass(frozen=True)
class Agreement:
    words: int
    exact: float  # share with the same level
    within_one: float  # share at most one level apart
    overruled: list[tuple[str, str, str]]  # (word, cefrpy, frequency) where cefrpy lost


def sample() -> list[str]:
    words = [w for w in top_n_list("en", 20_000) if w.isalpha() and cefrpy_level(w) is not None]
    return words[::STEP][:SAMPLE_SIZE]


def check() -> Agreement:
    words = sample()
    pairs = [(w, cefrpy_level(w) or "", frequency_level(zipf(w))) for w in words]
    exact = sum(a == b for _, a, b in pairs)
    near = sum(abs(rank(a) - rank(b)) <= 1 for _, a, b in pairs)
    overruled = [p for p in pairs if level_of(p[0]).source == "frequency-override"]
    return Agreement(len(pairs), exact / len(pairs), near / len(pairs), overruled)


def main() -> None:
    found = check()
    print(
        f"{found.words} words: cefrpy and the frequency band agree exactly on"
        f" {found.exact:.0%}, within one level on {found.within_one:.0%}"
    )
    print(
        f"overruled ({len(found.overruled)}): "
        + ", ".join(f"{w} {a}->{b}" for w, a, b in found.overruled)
    )


if __name__ == "__main__":
    main()
