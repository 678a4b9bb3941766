// The learner's notebook, review cards and recaps, as the API serves them (docs/vocabulary.md);
// their shapes are the OpenAPI document's (src/lib/types.ts says how).

import { api } from '../lib/api';
import type { components } from '../lib/api.gen';

type Schemas = components['schemas'];

export type Level = Schemas['CefrLevel'];
export type NotebookWord = Schemas['NotebookWord'];
export type NotebookPage = Schemas['NotebookPage'];
export type ReviewCard = Schemas['ReviewCard'];
export type ReviewDue = Schemas['ReviewDue'];
export type LearnerSettings = Schemas['LearnerSettings'];
export type RecapWord = Schemas['RecapWord'];
export type Participation = Schemas['Participation'];
export type Recap = Schemas['Recap'];

export type Sort = 'date' | 'level' | 'frequency' | 'word';
export type Rating = 'again' | 'hard' | 'good' | 'easy';

export const PAGE_SIZE = 100;

export function notebookPage(search: string, sort: Sort, starred: boolean, offset: number) {
  const query = new URLSearchParams({ sort, limit: String(PAGE_SIZE), offset: String(offset) });
  if (search.trim()) query.set('q', search.trim());
  if (starred) query.set('starred', 'true');
  return api.get<NotebookPage>(`/api/me/notebook?${query}`);
}

export const keepWord = (word: string, occurrenceId?: number, sentence?: string, source: 'lookup' | 'tap' = 'lookup') =>
  api.post<NotebookWord>('/api/me/notebook', { word, occurrence_id: occurrenceId, sentence, source });
export const changeWord = (id: number, change: { starred?: boolean; note?: string }) =>
  api.patch<NotebookWord>(`/api/me/notebook/${id}`, change);
export const removeWord = (id: number) => api.delete<void>(`/api/me/notebook/${id}`);
export const dueCards = () => api.get<ReviewDue>('/api/me/review?limit=50');
export const dueCount = () => api.get<{ due_count: number; total: number }>('/api/me/review/count');
export const answerCard = (id: number, rating: Rating) =>
  api.post<{ card: ReviewCard; due_count: number }>(`/api/me/review/${id}`, { rating });
export const learnerSettings = () => api.get<LearnerSettings>('/api/me/learning');
export const changeSettings = (change: Partial<LearnerSettings>) => api.put<LearnerSettings>('/api/me/learning', change);
export const recapOf = (occurrenceId: number) => api.get<Recap>(`/api/occurrences/${occurrenceId}/recap`);

/** Whether this browser can say words (speech synthesis); the buttons show only then. */
export const CAN_SPEAK = typeof window !== 'undefined' && 'speechSynthesis' in window;

/** Say the word with the browser's own voice, where it has one. */
export function speak(word: string): boolean {
  if (!CAN_SPEAK) return false;
  const utterance = new SpeechSynthesisUtterance(word);
  utterance.lang = 'en-US';
  window.speechSynthesis.cancel();
  window.speechSynthesis.speak(utterance);
  return true;
}
