"""Several utterances through one Whisper call: encoded at their own length, decoded together.

faster-whisper's ``transcribe`` pads every utterance to Whisper's 30 s window before encoding,
so a 5 s utterance costs as much as 30 s of audio: on tiny.en int8 with 2 threads the encoder
takes ~230 ms of the ~380 ms an utterance costs (docs/captions.md). Here a batch of
utterances is padded only to the longest of them, the
CTranslate2 encoder runs once for the batch and greedy decoding runs once for the batch: eight
5 s utterances cost ~0.4 s instead of ~3 s, with the same words. Short utterances get a
longer window (``MIN_WINDOW_S``), in a call of their own if the long ones' is shorter.

Decoding is greedy (beam 1) without temperature fallback; an output that repeats itself
(compression ratio above faster-whisper's 2.4, or a phrase said twice running) is decoded
again on its own by faster-whisper's full path, which has the fallback. Silence that Whisper
itself calls no speech is dropped.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import ctranslate2
import numpy as np
from faster_whisper import WhisperModel
from faster_whisper.tokenizer import Tokenizer

SAMPLE_RATE = 16_000
WINDOW_S = 30.0
# Utterances shorter than SHORT_S are encoded in a window of at least MIN_WINDOW_S: at
# their own length Whisper tends to loop on short phrases (30 espeak phrases of 0.8-2 s, 3
# voices, came back repeated 6 times at a 5 s window, 0 times at 8, 10, 15 or 30 s, with the
# same word error rate at 10 s as at 30 s; 2-3 s ones: WER 0.105 at their own length, 0.029
# at 10 s). Longer ones are fine at their own length (4-5.5 s: WER 0.056 against 0.049 at
# 10 s, in half the time). docs/captions.md has the figures.
SHORT_S = 4.0
MIN_WINDOW_S = 10.0
PAD_S = 0.5  # some silence after the last word, as Whisper saw in training
MAX_TOKENS = 448
NO_SPEECH = 0.6
LOW_LOGPROB = -1.0
REPETITIVE = 2.4
LONG_PHRASE = 6  # words


@dataclass(frozen=True)
class Item:
    audio: np.ndarray  # 16 kHz mono float32, at most WINDOW_S long
    language: str


class BatchDecoder:
    def __init__(self, model: WhisperModel) -> None:
        self._model = model
        self._tokenizers: dict[str, Tokenizer] = {}
        self._suppress: list[int] | None = None

    def _tokenizer(self, language: str) -> Tokenizer:
        multilingual = self._model.model.is_multilingual
        key = language if multilingual else "en"
        if key not in self._tokenizers:
            self._tokenizers[key] = Tokenizer(
                self._model.hf_tokenizer,
                multilingual,
                task="transcribe",
                language=key if multilingual else None,
            )
        return self._tokenizers[key]

    def transcribe(self, items: list[Item]) -> list[str]:
        """The text of each item (utterances longer than the window are cut into pieces)."""
        pieces: list[Item] = []
        owner: list[int] = []
        window = int(WINDOW_S * SAMPLE_RATE)
        for index, item in enumerate(items):
            for offset in range(0, max(len(item.audio), 1), window):
                pieces.append(Item(item.audio[offset : offset + window], item.language))
                owner.append(index)
        texts = self._grouped(pieces)
        joined = ["" for _ in items]
        for index, text in zip(owner, texts, strict=True):
            joined[index] = f"{joined[index]} {text}".strip()
        return joined

    def _grouped(self, pieces: list[Item]) -> list[str]:
        """Short pieces need the longer window; long ones are encoded at their own length,
        together with the short ones when theirs is long enough for both."""
        short = [i for i, p in enumerate(pieces) if len(p.audio) < SHORT_S * SAMPLE_RATE]
        long = [i for i in range(len(pieces)) if i not in set(short)]
        longest = max((len(pieces[i].audio) for i in long), default=0) / SAMPLE_RATE
        if not short or not long or longest + PAD_S >= MIN_WINDOW_S:
            groups = [(list(range(len(pieces))), MIN_WINDOW_S if short else 0.0)]
        else:
            groups = [(short, MIN_WINDOW_S), (long, 0.0)]
        texts = ["" for _ in pieces]
        for indexes, at_least in groups:
            decoded = self._decode([pieces[i] for i in indexes], at_least)
            for i, text in zip(indexes, decoded, strict=True):
                texts[i] = text
        return texts

    def _decode(self, pieces: list[Item], at_least: float) -> list[str]:
        longest = max(len(p.audio) for p in pieces) / SAMPLE_RATE
        seconds = min(WINDOW_S, max(at_least, longest + PAD_S))
        samples = int(seconds * SAMPLE_RATE)
        extractor = self._model.feature_extractor
        mels = []
        for piece in pieces:
            audio = np.zeros(samples, dtype=np.float32)
            audio[: len(piece.audio)] = piece.audio[:samples]
            mels.append(extractor(audio))
        frames = min(min(m.shape[-1] for m in mels) // 2 * 2, extractor.nb_max_frames)
        batch = np.ascontiguousarray(np.stack([m[:, :frames] for m in mels]), dtype=np.float32)
        encoded = self._model.model.encode(ctranslate2.StorageView.from_array(batch))
        tokenizers = [self._tokenizer(p.language) for p in pieces]
        prompts = [[*t.sot_sequence, t.no_timestamps] for t in tokenizers]
        # English speech runs at ~3 tokens a second: a runaway repetition stops early.
        max_length = min(MAX_TOKENS, len(prompts[0]) + int(8 * longest) + 16)
        results = self._model.model.generate(
            encoded,
            prompts,
            beam_size=1,
            max_length=max_length,
            return_scores=True,
            return_no_speech_prob=True,
            suppress_blank=True,
            suppress_tokens=self._suppressed(tokenizers[0]),
        )
        texts = []
        for piece, tokenizer, result in zip(pieces, tokenizers, results, strict=True):
            tokens = result.sequences_ids[0]
            avg_logprob = result.scores[0] * len(tokens) / (len(tokens) + 1)
            if result.no_speech_prob > NO_SPEECH and avg_logprob < LOW_LOGPROB:
                texts.append("")
                continue
            text = tokenizer.decode(tokens).strip()
            # a decoding that ran until it was stopped was running away, not transcribing
            runaway = len(prompts[0]) + len(tokens) >= max_length
            if runaway or _compression_ratio(text) > REPETITIVE or _loops(text):
                text = self._alone(piece)
            # Padded to 30 s Whisper starts an utterance with a capital; at a shorter window
            # it now and then does not ("learning a new language..."): an utterance starts
            # a sentence, so its first letter is put right.
            texts.append(text[:1].upper() + text[1:])
        return texts

    def _suppressed(self, tokenizer: Tokenizer) -> list[int]:
        if self._suppress is None:
            from faster_whisper.transcribe import get_suppressed_tokens

            self._suppress = list(get_suppressed_tokens(tokenizer, [-1]))
        return self._suppress

    def _alone(self, piece: Item) -> str:
        segments, _info = self._model.transcribe(
            piece.audio,
            language=piece.language if self._model.model.is_multilingual else "en",
            beam_size=1,
            condition_on_previous_text=False,
            without_timestamps=True,
            vad_filter=False,
        )
        return " ".join(segment.text.strip() for segment in segments).strip()


def _compression_ratio(text: str) -> float:
    data = text.encode("utf-8")
    return len(data) / len(zlib.compress(data)) if data else 0.0


def _loops(text: str) -> bool:
    """Whisper stuck in a loop, not speech: a phrase of 3-5 words twice in a row, of 2 words
    three times, or of 6 words or more twice anywhere (the whole utterance said again, the
    second time cut short where decoding was stopped, was seen under load). People repeat
    themselves, but rarely a whole phrase at once."""
    words = ["".join(c for c in w if c.isalnum()) for w in text.lower().split()]
    for n, times in [(2, 3), (3, 2), (4, 2), (5, 2)]:
        for i in range(len(words) - times * n + 1):
            if all(words[i : i + n] == words[i + k * n : i + (k + 1) * n] for k in range(times)):
                return True
    first_seen: dict[tuple[str, ...], int] = {}
    for i in range(len(words) - LONG_PHRASE + 1):
        phrase = tuple(words[i : i + LONG_PHRASE])
        if i - first_seen.setdefault(phrase, i) >= LONG_PHRASE:
            return True
    return False
