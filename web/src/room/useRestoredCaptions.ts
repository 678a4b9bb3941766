// Captions said while the call was rejoining, read back from the transcript.
//
// A short drop is resumed and the captions sent meanwhile still arrive (the data channel
// delivers them once it is back). A longer one makes livekit-client join the room again
// (RoomEvent.Reconnecting, then Reconnected), and whatever was said in between never
// reaches the page: the agent stored it, though, so the page reads the transcript's last
// lines (GET /api/occurrences/{id}/transcript, for the facilitator and booked people).
// docs/network-drops.md.

import { useRoomContext } from '@livekit/components-react';
import { RoomEvent } from 'livekit-client';
import { useEffect, useState } from 'react';
import { transcript, type TranscriptSegment } from '../lib/history';
import { usePath } from '../lib/router';

const KEPT = 10;

/** The transcript's last segments, read after each full reconnect (none before the first). */
export function useRestoredCaptions(): TranscriptSegment[] {
  const room = useRoomContext();
  const found = /^\/room\/(\d+)$/.exec(usePath());
  const occurrenceId = found ? Number(found[1]) : null;
  const [restored, setRestored] = useState<TranscriptSegment[]>([]);

  useEffect(() => {
    if (occurrenceId === null) return undefined; // a guest: no transcript to read
    let rejoining = false;
    let current = true;
    const reconnecting = () => {
      rejoining = true;
    };
    const reconnected = () => {
      if (!rejoining) return; // a resume: nothing was lost
      rejoining = false;
      transcript(occurrenceId)
        .then((segments) => {
          if (current && segments) setRestored(segments.slice(-KEPT));
        })
        .catch(() => undefined); // not there to read: the live captions go on
    };
    room.on(RoomEvent.Reconnecting, reconnecting).on(RoomEvent.Reconnected, reconnected);
    return () => {
      current = false;
      room.off(RoomEvent.Reconnecting, reconnecting).off(RoomEvent.Reconnected, reconnected);
    };
  }, [room, occurrenceId]);

  return restored;
}
