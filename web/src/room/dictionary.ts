// The learner's dictionary over HTTP: its answer is the OpenAPI document's DictionaryResult
// (api/models/learning_recaps.py), plus the page's own `invalid` for input that is no word.

import { ApiError, api } from '../lib/api';
import type { DictionaryResult } from '../lib/types';

export type Sense = Extract<DictionaryResult, { kind: 'entry' }>['senses'][number];

export type LookupResult =
  | DictionaryResult
  | { kind: 'invalid'; query: string; code: string; reason: string };

export const DICTIONARY_PATH = '/api/dictionary';

/** The entry or suggestions; input that is no word comes back as `invalid` with the reason. */
export async function lookUp(word: string): Promise<LookupResult | null> {
  try {
    return await api.get<DictionaryResult>(`${DICTIONARY_PATH}/${encodeURIComponent(word)}`);
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
