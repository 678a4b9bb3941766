// The learner's dictionary over HTTP (dictionary/serialize.py gives the shape).

import { ApiError, api } from '../lib/api';

export interface Sense {
  pos: string;
  definition: string;
  examples: string[];
  synonyms: string[];
}

export type LookupResult =
  | {
      kind: 'entry';
      query: string;
      headword: string;
      inflection: string | null;
      ipa: string | null;
      frequency: { zipf: number; band: string } | null;
      parts_of_speech: string[];
      senses: Sense[];
      related: { antonyms: string[]; broader: string[]; derived: string[] };
      see_also: { headword: string; note: string; pos: string; definition: string }[];
    }
  | { kind: 'not_found'; query: string; suggestions: string[]; grammar_word: boolean }
  | { kind: 'invalid'; query: string; code: string; reason: string };

export const DICTIONARY_PATH = '/api/dictionary';

/** The entry or suggestions; input that is no word comes back as `invalid` with the reason. */
export async function lookUp(word: string): Promise<LookupResult | null> {
  try {
    return await api.get<LookupResult>(`${DICTIONARY_PATH}/${encodeURIComponent(word)}`);
  } catch (failure) {
    if (failure instanceof ApiError && failure.status === 400) {
      return { kind: 'invalid', query: word, code: failure.code, reason: failure.message };
    }
    if (failure instanceof ApiError && failure.routeMissing) return null;
    throw failure;
  }
}

export function canSpeak(): boolean {
  return typeof window !== 'undefined' && 'speechSynthesis' in window;
}

export function speak(text: string): void {
  if (!canSpeak()) return;
  window.speechSynthesis.cancel();
  const utterance = new SpeechSynthesisUtterance(text);
  utterance.lang = 'en-US';
  utterance.rate = 0.9;
  window.speechSynthesis.speak(utterance);
}
