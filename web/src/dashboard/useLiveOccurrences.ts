// A list of occurrences whose seat counts and status follow the live event stream.

import { useCallback, useEffect, useState } from 'react';
import { useLiveEvents, type StreamState } from '../lib/events';
import type { LiveEvent, Occurrence } from '../lib/types';

type SeatFields = Pick<Occurrence, 'capacity' | 'seats_booked' | 'seats_left' | 'waitlisted' | 'status'>;

export function applySeats(occurrence: Occurrence, event: LiveEvent): Occurrence {
  if (event.topic !== `occurrence:${occurrence.id}`) return occurrence;
  if (event.kind === 'seats.changed') {
    const seats = event.payload as Partial<SeatFields>;
    return { ...occurrence, ...seats };
  }
  if (event.kind === 'occurrence.updated' || event.kind === 'occurrence.cancelled') {
    const changed = event.payload as Partial<Pick<Occurrence, 'status' | 'starts_at' | 'ends_at'>>;
    return { ...occurrence, ...changed };
  }
  return occurrence;
}

/** Patches `occurrences` from live events; `onOther` gets the rest (the user's own topic). */
export function useLiveOccurrences(
  occurrences: Occurrence[],
  onOther?: (event: LiveEvent) => void,
): { items: Occurrence[]; stream: StreamState } {
  const [patches, setPatches] = useState<Map<number, Occurrence>>(new Map());
  // A new fetch is fresher than any patch made before it.
  useEffect(() => setPatches(new Map()), [occurrences]);
  const onEvent = useCallback(
    (event: LiveEvent) => {
      const match = /^occurrence:(\d+)$/.exec(event.topic);
      if (!match) {
        onOther?.(event);
        return;
      }
      const id = Number(match[1]);
      setPatches((current) => {
        const base = current.get(id) ?? occurrences.find((o) => o.id === id);
        if (!base) return current;
        const next = new Map(current);
        next.set(id, applySeats(base, event));
        return next;
      });
    },
    [occurrences, onOther],
  );
  const stream = useLiveEvents(
    occurrences.map((o) => o.id),
    onEvent,
  );
  const items = occurrences.map((o) => patches.get(o.id) ?? o);
  return { items, stream };
}
