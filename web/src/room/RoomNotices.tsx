// "Ada joined", "Ada left": short notices over the video, announced politely to screen
// readers, gone after a few seconds. Not for the assistant (the agent), which the page hides
// everywhere, and not for the people already there when you came in.

import { useRoomContext } from '@livekit/components-react';
import { ConnectionState, type Participant, RoomEvent } from 'livekit-client';
import { useEffect, useRef, useState } from 'react';
import { AGENT_IDENTITY } from './wire';

const SHOWN_MS = 6000;
const KEPT = 3;

interface Notice {
  id: number;
  text: string;
}

export function RoomNotices() {
  const room = useRoomContext();
  const [notices, setNotices] = useState<Notice[]>([]);
  const next = useRef(0);

  useEffect(() => {
    // a full reconnect sees everyone "join" again: only a change of who is here is news
    const here = new Set(room.remoteParticipants.keys());
    const timers = new Set<number>();
    const say = (text: string) => {
      const id = ++next.current;
      setNotices((shown) => [...shown, { id, text }].slice(-KEPT));
      const timer = window.setTimeout(() => {
        timers.delete(timer);
        setNotices((shown) => shown.filter((n) => n.id !== id));
      }, SHOWN_MS);
      timers.add(timer);
    };
    const nameOf = (p: Participant) => p.name || p.identity;
    const joined = (p: Participant) => {
      if (p.identity === AGENT_IDENTITY || here.has(p.identity)) return;
      here.add(p.identity);
      say(`${nameOf(p)} joined`);
    };
    const left = (p: Participant) => {
      // a full reconnect drops everyone first: not news either
      if (room.state !== ConnectionState.Connected) return;
      if (p.identity === AGENT_IDENTITY || !here.delete(p.identity)) return;
      say(`${nameOf(p)} left`);
    };
    room.on(RoomEvent.ParticipantConnected, joined).on(RoomEvent.ParticipantDisconnected, left);
    return () => {
      room.off(RoomEvent.ParticipantConnected, joined).off(RoomEvent.ParticipantDisconnected, left);
      timers.forEach((t) => window.clearTimeout(t));
    };
  }, [room]);

  return (
    <div className="room-notices" role="status" aria-live="polite" aria-label="Who joined or left">
      {notices.map((n) => (
        <p key={n.id} className="room-notice-item">
          {n.text}
        </p>
      ))}
    </div>
  );
}
