// Who is in an occurrence's room now, and who came for how long, from presence events.

import type { LiveEvent } from '../lib/types';

export interface Stay {
  identity: string;
  name: string;
  firstJoined: string;
  seconds: number;
  present: boolean;
  openSince: number | null;
}

export type PresenceBook = ReadonlyMap<string, Stay>;

export function applyPresence(book: PresenceBook, event: LiveEvent): PresenceBook {
  const p = event.payload as { identity?: string; name?: string; joined_at?: string; left_at?: string };
  if (!p.identity) return book;
  const next = new Map(book);
  const known = next.get(p.identity);
  if (event.kind === 'presence.joined' && p.joined_at) {
    const at = Date.parse(p.joined_at);
    next.set(p.identity, {
      identity: p.identity,
      name: p.name ?? known?.name ?? p.identity,
      firstJoined: known?.firstJoined ?? p.joined_at,
      seconds: known?.seconds ?? 0,
      present: true,
      openSince: at,
    });
  } else if (event.kind === 'presence.left' && p.left_at && known) {
    const stayed = known.openSince === null ? 0 : (Date.parse(p.left_at) - known.openSince) / 1000;
    next.set(p.identity, { ...known, seconds: known.seconds + Math.max(0, stayed), present: false, openSince: null });
  } else {
    return book;
  }
  return next;
}

export function secondsPresent(stay: Stay, now: number): number {
  return stay.seconds + (stay.openSince === null ? 0 : Math.max(0, (now - stay.openSince) / 1000));
}
