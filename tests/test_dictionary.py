"""The learner's dictionary through its public interface: lookup, chat text, JSON and the CLI.

Runs on the real dictionary file ($COLEARN_DICTIONARY_DB or var/dictionary.sqlite), built
once here if it is missing or stale.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import pytest
from wordfreq import zipf_frequency

from dictionary import (
    Dictionary,
    DictionaryMissing,
    Entry,
    Invalid,
    NotFound,
    format_for_chat,
    to_json,
)
from dictionary.build import build, ensure_built
from dictionary.chat import CHAT_SENSES
from dictionary.config import REPO_ROOT
from dictionary.frequency import band_for
from dictionary.ipa import PRIMARY
from dictionary.progress import Progress
from dictionary.text import MAX_QUERY_CHARS, MAX_QUERY_WORDS


@pytest.fixture(scope="session")
def dictionary_path() -> Path:
    return ensure_built()


@pytest.fixture(scope="session")
def words(dictionary_path: Path) -> Iterator[Dictionary]:
    with Dictionary.open(dictionary_path) as opened:
        yield opened


def entry(words: Dictionary, query: str) -> Entry:
    result = words.lookup(query)
    assert isinstance(result, Entry), f"{query!r} gave {result}"
    return result


def test_plain_word_has_senses_pronunciation_and_frequency(words: Dictionary) -> None:
    found = entry(words, "serendipity")
    assert found.headword == "serendipity"
    assert found.lemma is None and found.inflection is None
    assert found.parts_of_speech == ("noun",)
    assert found.senses[0].definition
    assert found.ipa is not None and PRIMARY in found.ipa
    zipf = zipf_frequency("serendipity", "en")
    assert found.frequency is not None
    assert found.frequency.zipf == pytest.approx(zipf, abs=0.01)
    assert found.frequency.band == band_for(zipf)


@pytest.mark.parametrize("query", ["Serendipity", "SERENDIPITY", '"serendipity!"', "(serendipity)"])
def test_capitals_and_surrounding_punctuation_do_not_matter(words: Dictionary, query: str) -> None:
    found = entry(words, query)
    assert found.query.lower() == "serendipity"
    assert found == replace(entry(words, "serendipity"), query=found.query)


def test_quoted_greeting_with_exclamation_mark(words: Dictionary) -> None:
    found = entry(words, '"hello!"')
    assert found.query == "hello"
    assert found.headword == "hello"


@pytest.mark.parametrize(
    ("form", "lemma", "pos"),
    [
        ("went", "go", "verb"),
        ("children", "child", "noun"),
        ("better", "good", "adjective"),
        ("running", "run", "verb"),
        ("mice", "mouse", "noun"),
    ],
)
def test_inflected_forms_lead_to_their_lemma(
    words: Dictionary, form: str, lemma: str, pos: str
) -> None:
    found = entry(words, form)
    assert found.lemma == lemma
    assert found.inflection  # e.g. "past tense", shown to the learner
    assert found.senses[0].pos == pos
    assert found.query_ipa is not None and found.query_ipa != found.ipa


def test_a_word_common_in_its_own_right_stays_itself_with_a_cross_reference(
    words: Dictionary,
) -> None:
    left = entry(words, "left")
    assert left.lemma is None
    assert any(ref.headword == "leave" and "past" in ref.note for ref in left.see_also)
    running = entry(words, "running")
    assert any(ref.headword == "running" and not ref.note for ref in running.see_also)


@pytest.mark.parametrize("query", ["look up", "Look  Up", "look-up", "LOOK_UP", "to look up"])
def test_phrasal_verb_in_any_spacing_case_or_hyphenation(words: Dictionary, query: str) -> None:
    found = entry(words, query)
    assert found.headword == "look up"
    assert "verb" in found.parts_of_speech


@pytest.mark.parametrize("query", ["break the ice", "Break the Ice", "break-the-ice"])
def test_idiom(words: Dictionary, query: str) -> None:
    found = entry(words, query)
    assert found.headword == "break the ice"
    assert found.frequency is None  # wordfreq cannot rate phrases


def test_inflected_phrase_and_placeholder_pronoun(words: Dictionary) -> None:
    broke = entry(words, "broke the ice")
    assert broke.lemma == "break the ice" and broke.inflection
    assert entry(words, "looked up").lemma == "look up"
    assert entry(words, "make up your mind").headword == "make up one's mind"


@pytest.mark.parametrize(("typo", "meant"), [("recieve", "receive"), ("definately", "definitely")])
def test_misspelling_suggests_the_intended_word_first(
    words: Dictionary, typo: str, meant: str
) -> None:
    result = words.lookup(typo)
    assert isinstance(result, NotFound)
    assert result.suggestions[0] == meant
    for suggestion in result.suggestions:
        assert isinstance(words.lookup(suggestion), Entry)


def test_suggestions_prefer_the_more_common_word_at_equal_distance(words: Dictionary) -> None:
    result = words.lookup("recieve")
    assert isinstance(result, NotFound)
    zipfs = [zipf_frequency(s, "en") for s in result.suggestions]
    assert "relieve" in result.suggestions
    assert zipfs[0] == max(zipfs)


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("", "empty"),
        ("   \t ", "empty"),
        ("x" * (MAX_QUERY_CHARS + 1), "too_long"),
        ("!!! ???", "no_letters"),
        ("12345", "no_letters"),
        (" ".join(["word"] * (MAX_QUERY_WORDS + 1)), "too_many_words"),
    ],
)
def test_invalid_input_says_why(words: Dictionary, query: str, code: str) -> None:
    result = words.lookup(query)
    assert isinstance(result, Invalid)
    assert result.code == code
    assert result.reason
    assert len(result.query) <= MAX_QUERY_CHARS + 1
    assert "/define" in format_for_chat(result)


def test_grammar_words_get_a_note_but_capitals_still_find_the_abbreviation(
    words: Dictionary,
) -> None:
    for word in ("the", "who"):
        result = words.lookup(word)
        assert isinstance(result, NotFound) and result.grammar_word, word
        assert "grammar word" in format_for_chat(result)
    assert "health" in entry(words, "WHO").senses[0].definition
    assert "month" in entry(words, "May").senses[0].definition
    for pronoun in ("I", "i"):
        result = words.lookup(pronoun)
        assert isinstance(result, NotFound) and result.grammar_word, pronoun


def test_typo_of_a_grammar_word_is_still_suggested(words: Dictionary) -> None:
    result = words.lookup("teh")
    assert isinstance(result, NotFound)
    assert result.suggestions[0] == "the"


def test_most_used_part_of_speech_and_sense_come_first(words: Dictionary) -> None:
    run = entry(words, "run")
    assert run.senses[0].pos == "verb"
    assert run.parts_of_speech == ("verb", "noun")
    assert len(run.senses) > 40  # the entry keeps every sense; chat shows a few


def test_chat_form_is_short_and_names_the_lemma(words: Dictionary) -> None:
    went = entry(words, "went")
    text = format_for_chat(went)
    lines = text.splitlines()
    assert lines[0].startswith(f"go /{went.ipa}/")
    assert went.frequency is not None and went.frequency.band in lines[0]
    assert '"went"' in lines[1] and "past tense" in lines[1]
    numbered = [line for line in lines if line[:1].isdigit()]
    assert len(numbered) == CHAT_SENSES
    assert any(line.strip().startswith("e.g.") for line in lines)
    assert len(lines) <= 8


def test_chat_form_for_unknown_word_offers_suggestions(words: Dictionary) -> None:
    result = words.lookup("recieve")
    assert isinstance(result, NotFound)
    assert format_for_chat(result) == (
        f"I don't know 'recieve'. Did you mean: {', '.join(result.suggestions)}?"
    )


def test_json_shapes_are_stable(words: Dictionary) -> None:
    went = to_json(words.lookup("went"))
    assert set(went) == {
        "kind",
        "query",
        "headword",
        "lemma",
        "inflection",
        "ipa",
        "query_ipa",
        "frequency",
        "parts_of_speech",
        "senses",
        "related",
        "see_also",
    }
    assert went["kind"] == "entry" and went["lemma"] == "go"
    assert set(went["frequency"]) == {"zipf", "band"}
    assert set(went["senses"][0]) == {"pos", "definition", "examples", "synonyms"}
    assert set(went["related"]) == {"antonyms", "broader", "derived"}
    left = to_json(words.lookup("left"))
    assert set(left["see_also"][0]) == {"headword", "note", "pos", "definition"}
    assert to_json(words.lookup("recieve")).keys() == {
        "kind",
        "query",
        "suggestions",
        "grammar_word",
    }
    assert to_json(words.lookup("")).keys() == {"kind", "query", "code", "reason"}
    for result in (went, left):
        assert json.loads(json.dumps(result)) == result


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dictionary", *args],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=60,
        check=False,
    )


def test_cli_prints_the_chat_form(words: Dictionary, dictionary_path: Path) -> None:
    done = run_cli("define", "--db", str(dictionary_path), "break", "the", "ice")
    assert done.returncode == 0, done.stderr
    assert done.stdout == format_for_chat(words.lookup("break the ice")) + "\n"
    missing = run_cli("define", "--db", str(dictionary_path), "recieve")
    assert missing.returncode == 1
    assert "Did you mean: receive" in missing.stdout


def test_cli_json(words: Dictionary, dictionary_path: Path) -> None:
    done = run_cli("define", "--json", "--db", str(dictionary_path), "mice")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == to_json(words.lookup("mice"))


def test_cli_says_how_to_build_a_missing_dictionary(tmp_path: Path) -> None:
    done = run_cli("define", "--db", str(tmp_path / "absent.sqlite"), "word")
    assert done.returncode == 2
    assert "make setup" in done.stderr and "python -m dictionary build" in done.stderr
    with pytest.raises(DictionaryMissing, match="make setup"):
        Dictionary.open(tmp_path / "absent.sqlite")


def test_build_is_a_fast_no_op_when_current(dictionary_path: Path) -> None:
    started = time.perf_counter()
    done = run_cli("build", "--out", str(dictionary_path))
    elapsed = time.perf_counter() - started
    assert done.returncode == 0, done.stderr
    assert "up to date" in done.stderr
    assert elapsed < 1.0


def test_failed_build_leaves_no_file(tmp_path: Path) -> None:
    broken = tmp_path / "wordnet"
    broken.mkdir()
    (broken / "index.sense").write_text("")
    (broken / "data.noun").write_text("00001740 03 n this line is not WordNet\n")
    out = tmp_path / "out.sqlite"
    with pytest.raises((ValueError, IndexError, FileNotFoundError)):
        build(out, broken, progress=Progress(1, quiet=True))
    assert list(tmp_path.iterdir()) == [broken]


def test_opening_is_fast_and_lookups_are_thread_safe(dictionary_path: Path) -> None:
    queries = ["went", "look up", "recieve", "mice", "", "better", "break the ice"] * 20
    started = time.perf_counter()
    shared = Dictionary.open(dictionary_path)
    assert time.perf_counter() - started < 0.5
    try:
        expected = [shared.lookup(q) for q in queries]
        with ThreadPoolExecutor(max_workers=8) as pool:
            assert list(pool.map(shared.lookup, queries)) == expected
    finally:
        shared.close()
    with pytest.raises(RuntimeError, match="closed"):
        shared.lookup("went")


def test_threads_that_come_and_go_do_not_leak_connections(dictionary_path: Path) -> None:
    def open_files() -> int:
        return len(os.listdir("/proc/self/fd"))

    with Dictionary.open(dictionary_path) as shared:
        before = open_files()
        for _ in range(30):
            worker = threading.Thread(target=shared.lookup, args=("went",))
            worker.start()
            worker.join()
        assert open_files() - before <= 2


def test_environment_variable_names_the_default_file(
    monkeypatch: pytest.MonkeyPatch, dictionary_path: Path
) -> None:
    monkeypatch.setenv("COLEARN_DICTIONARY_DB", os.fspath(dictionary_path))
    with Dictionary.open() as opened:
        assert opened.path == dictionary_path
