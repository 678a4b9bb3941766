// The way into a meeting's room: a link only inside its join window, a countdown before it.

import { useEffect, useState } from 'react';
import { countdown, when } from '../lib/format';
import { Link } from '../lib/router';
import { markJoinClick, roomWindow } from '../lib/timing';

interface Props {
  occurrenceId: number;
  /** When its room lets people in (the occurrence's room_opens_at). */
  opensAt: string;
  endsAt: string;
  /** The visible text ("Join", "Open the room") and the full accessible name it starts. */
  text: string;
  label: string;
}

function useNow(everyMs: number): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), everyMs);
    return () => window.clearInterval(timer);
  }, [everyMs]);
  return now;
}

export function RoomEntry({ occurrenceId, opensAt, endsAt, text, label }: Props) {
  const now = useNow(15_000);
  const state = roomWindow(opensAt, endsAt, now);
  if (state.kind === 'ended') return null;
  if (state.kind === 'before') {
    return (
      <span className="room-countdown" data-opens-at={new Date(state.opensAt).toISOString()}>
        Room opens in {countdown(state.opensAt - now)}
        <span className="visually-hidden">, at {when(new Date(state.opensAt).toISOString())}</span>
      </span>
    );
  }
  return (
    <Link to={`/room/${occurrenceId}`} onClick={markJoinClick} className="button" aria-label={label}>
      {text}
    </Link>
  );
}
