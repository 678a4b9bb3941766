// The learner's notebook, review cards and recaps, as the API serves them (docs/vocabulary.md).

import { api } from '../lib/api';

export type Level = 'A1' | 'A2' | 'B1' | 'B2' | 'C1' | 'C2';

export interface NotebookWord {
  id: number;
  word: string;
  query: string;
  level: Level;
  zipf: number;
  ipa: string | null;
  definition: string;
  example: string | null;
  occurrence_id: number | null;
  source: 'define' | 'lookup' | 'tap';
  starred: boolean;
  note: string;
  times_seen: number;
  added_at: string;
  last_seen_at: string;
}

export interface NotebookPage {
  total: number;
  offset: number;
  words: NotebookWord[];
}

export interface ReviewCard {
  id: number;
  word: string;
  ipa: string | null;
  definition: string;
  example: string | null;
  level: string;
  occurrence_id: number | null;
  origin: 'recap' | 'star';
  state: string;
  due: string;
  reviews: number;
}

export interface ReviewDue {
  due_count: number;
  total: number;
  cards: ReviewCard[];
}

export interface LearnerSettings {
  level: Level | '';
  recap_emails: boolean;
}

export interface RecapWord {
  word: string;
  level: string;
  ipa: string | null;
  definition: string;
  sentence: string | null;
  how?: 'heard' | 'read';
  times?: number;
}

export interface Participation {
  user_id: number;
  name: string;
  talk_seconds: number;
  messages: number;
  seconds_present: number;
  level?: string;
  looked_up?: string[];
}

export interface Recap {
  occurrence_id: number;
  title: string;
  role: 'learner' | 'facilitator';
  level: string;
  looked_up?: RecapWord[] | { word: string; learners: number }[];
  new_words?: RecapWord[];
  participation?: Participation;
  key_vocabulary?: RecapWord[];
  learners?: Participation[];
}

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
