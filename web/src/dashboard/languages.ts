// The languages a session can be held in: Whisper's codes, as colearn/languages.py lists them
// (a test keeps the two equal). Captions in the session's room are in its language.

export const DEFAULT_LANGUAGE = 'en';

export const LANGUAGES: readonly string[] = [
  'af', 'am', 'ar', 'as', 'az', 'ba', 'be', 'bg', 'bn', 'bo', 'br', 'bs', 'ca', 'cs', 'cy',
  'da', 'de', 'el', 'en', 'es', 'et', 'eu', 'fa', 'fi', 'fo', 'fr', 'gl', 'gu', 'ha', 'haw',
  'he', 'hi', 'hr', 'ht', 'hu', 'hy', 'id', 'is', 'it', 'ja', 'jw', 'ka', 'kk', 'km', 'kn',
  'ko', 'la', 'lb', 'ln', 'lo', 'lt', 'lv', 'mg', 'mi', 'mk', 'ml', 'mn', 'mr', 'ms', 'mt',
  'my', 'ne', 'nl', 'nn', 'no', 'oc', 'pa', 'pl', 'ps', 'pt', 'ro', 'ru', 'sa', 'sd', 'si',
  'sk', 'sl', 'sn', 'so', 'sq', 'sr', 'su', 'sv', 'sw', 'ta', 'te', 'tg', 'th', 'tk', 'tl',
  'tr', 'tt', 'uk', 'ur', 'uz', 'vi', 'yi', 'yo', 'zh', 'yue',
];

const names = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'code' });
// Whisper says 'jw' for Javanese, where BCP 47 says 'jv'.
const BCP47: Record<string, string> = { jw: 'jv' };

export function languageName(code: string): string {
  try {
    return names.of(BCP47[code] ?? code) ?? code;
  } catch {
    return code;
  }
}

/** [code, name] pairs sorted by name, for a select. */
export function languageOptions(): [string, string][] {
  return LANGUAGES.map((code): [string, string] => [code, languageName(code)]).sort((a, b) =>
    a[1].localeCompare(b[1]),
  );
}
