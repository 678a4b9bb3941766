// The room's stored past, then its live present: every chat message the agent stored
// (history on arrival, then each new one) and when each person joined.

import { useCallback, useState } from 'react';
import { useLiveEvents, type StreamState } from '../lib/events';
import type { LiveEvent, StoredChat } from '../lib/types';

export interface RoomHistory {
  chat: StoredChat[];
  joinedAt: ReadonlyMap<string, string>;
  stream: StreamState;
}

export function useRoomHistory(occurrenceId: number, enabled = true): RoomHistory {
  const [chat, setChat] = useState<StoredChat[]>([]);
  const [joinedAt, setJoinedAt] = useState<ReadonlyMap<string, string>>(new Map());

  const onEvent = useCallback((event: LiveEvent) => {
    if (event.kind === 'chat.message') {
      const message = event.payload as unknown as StoredChat;
      setChat((all) => (all.some((m) => m.message_id === message.message_id) ? all : [...all, message]));
    } else if (event.kind === 'presence.joined') {
      const { identity, joined_at } = event.payload as { identity: string; joined_at: string };
      setJoinedAt((all) => new Map(all).set(identity, joined_at));
    } else if (event.kind === 'presence.left') {
      const { identity } = event.payload as { identity: string };
      setJoinedAt((all) => {
        const next = new Map(all);
        next.delete(identity);
        return next;
      });
    }
  }, []);

  const stream = useLiveEvents([occurrenceId], onEvent, { fromStart: true, enabled });
  return { chat, joinedAt, stream };
}
