// Live updates from GET /api/events (Server-Sent Events). The browser's EventSource
// reconnects by itself and sends Last-Event-ID, so the API replays what a drop missed.

import { useEffect, useRef, useState } from 'react';
import type { LiveEvent } from './types';

export type StreamState = 'connecting' | 'live' | 'reconnecting' | 'closed';

export interface LiveEventOptions {
  /** Replay the watched occurrences' whole history first (chat, presence) before live events. */
  fromStart?: boolean;
  enabled?: boolean;
  /** After a reconnect the API left out some of this person's own older events: whatever
   * they would have changed must be read again. */
  onMissedOwnEvents?: () => void;
}

export function eventsUrl(occurrenceIds: readonly number[], fromStart: boolean): string {
  const params = new URLSearchParams();
  if (occurrenceIds.length > 0) params.set('occurrences', occurrenceIds.join(','));
  if (fromStart) params.set('after', '0');
  const query = params.toString();
  return query ? `/api/events?${query}` : '/api/events';
}

/** Calls `onEvent` for every event on the watched occurrences and the user's own topic. */
export function useLiveEvents(
  occurrenceIds: readonly number[],
  onEvent: (event: LiveEvent) => void,
  { fromStart = false, enabled = true, onMissedOwnEvents }: LiveEventOptions = {},
): StreamState {
  const [state, setState] = useState<StreamState>('connecting');
  const handler = useRef(onEvent);
  handler.current = onEvent;
  const missed = useRef(onMissedOwnEvents);
  missed.current = onMissedOwnEvents;
  const key = [...occurrenceIds].sort((a, b) => a - b).join(',');

  useEffect(() => {
    if (!enabled) return undefined;
    const ids = key ? key.split(',').map(Number) : [];
    const source = new EventSource(eventsUrl(ids, fromStart));
    setState('connecting');
    source.addEventListener('ready', (message: MessageEvent<string>) => {
      setState('live');
      try {
        const ready = JSON.parse(message.data) as { own_events_complete?: boolean };
        if (ready.own_events_complete === false) missed.current?.();
      } catch {
        // a ready without a readable body still means the stream is live
      }
    });
    source.onmessage = (message: MessageEvent<string>) => {
      try {
        handler.current(JSON.parse(message.data) as LiveEvent);
      } catch {
        // a malformed event is skipped; the next one carries on
      }
    };
    source.onerror = () => {
      setState(source.readyState === EventSource.CLOSED ? 'closed' : 'reconnecting');
    };
    return () => {
      source.close();
      setState('closed');
    };
  }, [key, fromStart, enabled]);

  return state;
}

/** Reads a finished backlog: every event of these occurrences so far, then closes. */
export function readBacklog(occurrenceIds: readonly number[]): Promise<LiveEvent[]> {
  return new Promise((resolve, reject) => {
    const seen: LiveEvent[] = [];
    const source = new EventSource(eventsUrl(occurrenceIds, true));
    source.onmessage = (message: MessageEvent<string>) => {
      seen.push(JSON.parse(message.data) as LiveEvent);
    };
    source.addEventListener('ready', () => {
      source.close();
      resolve(seen);
    });
    source.onerror = () => {
      source.close();
      reject(new Error('Could not load the history of this session.'));
    };
  });
}
