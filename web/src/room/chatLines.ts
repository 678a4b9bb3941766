// Stored history and live messages as one list: the same message (the same stream id)
// arrives both ways and is shown once.

import type { useChat } from '@livekit/components-react';
import type { StoredChat } from '../lib/types';
import { AGENT_IDENTITY } from './wire';

type ReceivedChatMessage = ReturnType<typeof useChat>['chatMessages'][number];

export interface ChatLine {
  id: string;
  identity: string;
  name: string;
  text: string;
  at: number;
}

export function mergeChat(history: readonly StoredChat[], live: readonly ReceivedChatMessage[]): ChatLine[] {
  const lines = new Map<string, ChatLine>();
  for (const m of history) {
    lines.set(m.message_id, {
      id: m.message_id,
      identity: m.sender_identity,
      name: m.sender_name || m.sender_identity,
      text: m.text,
      at: Date.parse(m.sent_at),
    });
  }
  for (const m of live) {
    if (lines.has(m.id)) continue;
    // People's messages always name their sender. The agent's private replies (/define)
    // sometimes arrive without it (seen with livekit-server 1.13.5 and destination
    // identities), so an unnamed message is taken to be the agent's.
    const identity = m.from?.identity ?? AGENT_IDENTITY;
    lines.set(m.id, {
      id: m.id,
      identity,
      name: identity === AGENT_IDENTITY ? 'Co~Learn' : m.from?.name || identity,
      text: m.message,
      at: m.timestamp,
    });
  }
  return [...lines.values()].sort((a, b) => a.at - b.at);
}
