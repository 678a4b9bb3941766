"""The languages a session can be held in: the ones Whisper can caption.

The codes are Whisper's own (mostly ISO 639-1; ``haw``, ``yue`` and Whisper's ``jw`` for
Javanese are its exceptions), as ``faster_whisper.tokenizer._LANGUAGE_CODES`` lists them.
They are copied here so the API does not import the speech stack; a test keeps the two equal,
and ``web/src/dashboard/languages.ts`` offers the same list in the session form.
"""

from __future__ import annotations

DEFAULT_LANGUAGE = "en"

WHISPER_LANGUAGES: tuple[str, ...] = (
    "af", "am", "ar", "as", "az", "ba", "be", "bg", "bn", "bo", "br", "bs", "ca", "cs", "cy",
    "da", "de", "el", "en", "es", "et", "eu", "fa", "fi", "fo", "fr", "gl", "gu", "ha", "haw",
    "he", "hi", "hr", "ht", "hu", "hy", "id", "is", "it", "ja", "jw", "ka", "kk", "km", "kn",
    "ko", "la", "lb", "ln", "lo", "lt", "lv", "mg", "mi", "mk", "ml", "mn", "mr", "ms", "mt",
    "my", "ne", "nl", "nn", "no", "oc", "pa", "pl", "ps", "pt", "ro", "ru", "sa", "sd", "si",
    "sk", "sl", "sn", "so", "sq", "sr", "su", "sv", "sw", "ta", "te", "tg", "th", "tk", "tl",
    "tr", "tt", "uk", "ur", "uz", "vi", "yi", "yo", "zh", "yue",
)  # fmt: skip
