// What happened in an occurrence, for those who were in it: chat and transcript. The words
// looked up are the recap's (web/src/vocabulary/RecapView.tsx), read from the API.
// Chat comes from the event log (every stored message is a chat.message event), which the
// API already streams; the transcript from its own endpoint when the server has it.

import { ApiError, api } from './api';
import { readBacklog } from './events';
import type { LiveEvent, StoredChat } from './types';

export interface TranscriptSegment {
  id: string;
  speaker: { identity: string; name: string };
  text: string;
  started_at: string;
}

export function chatFromEvents(events: readonly LiveEvent[]): StoredChat[] {
  return events
    .filter((event) => event.kind === 'chat.message')
    .map((event) => event.payload as unknown as StoredChat);
}

export async function chatHistory(occurrenceId: number): Promise<StoredChat[]> {
  return chatFromEvents(await readBacklog([occurrenceId]));
}

/** The transcript, or null when this server does not keep transcripts. */
export async function transcript(occurrenceId: number): Promise<TranscriptSegment[] | null> {
  try {
    const reply = await api.get<{ segments: TranscriptSegment[] }>(`/api/occurrences/${occurrenceId}/transcript`);
    return reply.segments;
  } catch (failure) {
    if (failure instanceof ApiError && failure.routeMissing) return null;
    throw failure;
  }
}
