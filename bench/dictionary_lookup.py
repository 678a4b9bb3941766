"""Latency of bare dictionary lookups over a realistic mix of what learners type.

The mix, drawn with a fixed seed: frequent words (wordfreq's top 5,000), inflected forms of
them (lemminflect), WordNet phrases in varied case and hyphenation, and misspellings made by
one random edit of a frequent word (which exercise the spelling-suggestion path). Prints
p50/p99 per kind and overall; with --build, first rebuilds the dictionary into a temporary
file and prints how long that took.

    .venv/bin/python bench/dictionary_lookup.py [--build] [--rounds 5]
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import string
import sys
import tempfile
import time
from contextlib import closing
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lemminflect import getAllInflections
from wordfreq import top_n_list

from dictionary import Dictionary
from dictionary.build import STAGES, build, ensure_built
from dictionary.config import wordnet_dir
from dictionary.progress import Progress

TARGET_P99_MS = 2.0
PER_KIND = 400


def frequent_words(rng: random.Random) -> list[str]:
    words = [w for w in top_n_list("en", 5000) if w.isalpha()]
    return rng.sample(words, PER_KIND)


def inflected_forms(rng: random.Random, words: list[str]) -> list[str]:
    forms: list[str] = []
    for word in words:
        spellings = {s for found in getAllInflections(word).values() for s in found} - {word}
        if spellings:
            forms.append(rng.choice(sorted(spellings)))
    return forms


def phrases(rng: random.Random, path: Path) -> list[str]:
    with closing(sqlite3.connect(path)) as db:
        texts = [row[0] for row in db.execute("SELECT text FROM headword WHERE key LIKE '% %'")]
    variants = (str.lower, str.title, lambda t: t.replace(" ", "-"), lambda t: t.upper())
    return [rng.choice(variants)(text) for text in rng.sample(texts, PER_KIND)]


def misspellings(rng: random.Random, words: list[str]) -> list[str]:
    typos: list[str] = []
    for word in (w for w in words if len(w) >= 4):
        i = rng.randrange(len(word) - 1)
        edit = rng.choice(("delete", "swap", "replace", "insert"))
        letter = rng.choice(string.ascii_lowercase)
        if edit == "delete":
            typos.append(word[:i] + word[i + 1 :])
        elif edit == "swap":
            typos.append(word[:i] + word[i + 1] + word[i] + word[i + 2 :])
        elif edit == "replace":
            typos.append(word[:i] + letter + word[i + 1 :])
        else:
            typos.append(word[:i] + letter + word[i:])
    return typos


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def measure(words: Dictionary, queries: list[str], rounds: int) -> list[float]:
    for query in queries:  # warm the page cache and the thread's connection
        words.lookup(query)
    timings: list[float] = []
    for _ in range(rounds):
        for query in queries:
            started = time.perf_counter_ns()
            words.lookup(query)
            timings.append((time.perf_counter_ns() - started) / 1e6)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", action="store_true", help="time a full build first")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        if args.build:
            path = Path(scratch) / "dictionary.sqlite"
            outcome = build(path, wordnet_dir(), force=True, progress=Progress(STAGES))
            print(f"build: {outcome.seconds:.1f} s, {path.stat().st_size / 1e6:.0f} MB")
        else:
            path = ensure_built(quiet=False)
        started = time.perf_counter()
        words = Dictionary.open(path)
        print(f"open: {(time.perf_counter() - started) * 1000:.2f} ms")
        rng = random.Random(args.seed)
        frequent = frequent_words(rng)
        mix = {
            "frequent words": frequent,
            "inflected forms": inflected_forms(rng, frequent),
            "phrases": phrases(rng, path),
            "misspellings": misspellings(rng, frequent),
        }
        everything: list[float] = []
        print(f"{'kind':<16} {'queries':>7} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}")
        for kind, queries in mix.items():
            timings = measure(words, queries, args.rounds)
            everything += timings
            print(
                f"{kind:<16} {len(queries):>7} {percentile(timings, 0.5):>8.3f} "
                f"{percentile(timings, 0.99):>8.3f} {max(timings):>8.3f}"
            )
        p99 = percentile(everything, 0.99)
        print(
            f"{'all':<16} {sum(map(len, mix.values())):>7} {percentile(everything, 0.5):>8.3f} "
            f"{p99:>8.3f} {max(everything):>8.3f}"
        )
        verdict = "meets" if p99 < TARGET_P99_MS else "MISSES"
        print(f"p99 {p99:.3f} ms {verdict} the {TARGET_P99_MS} ms target ({args.rounds} rounds)")
        words.close()


if __name__ == "__main__":
    main()
