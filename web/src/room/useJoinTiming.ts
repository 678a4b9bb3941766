// Marks the moments the join benchmark measures (lib/timing.ts).

import { useLocalParticipant } from '@livekit/components-react';
import { Track } from 'livekit-client';
import { useEffect } from 'react';
import { LOCAL_VIDEO, markOnce, REMOTE_VIDEO } from '../lib/timing';

export function useJoinTiming(): void {
  const { localParticipant, isCameraEnabled } = useLocalParticipant();

  useEffect(() => {
    const camera = localParticipant.getTrackPublication(Track.Source.Camera);
    if (camera?.track && isCameraEnabled) markOnce(LOCAL_VIDEO);
  }, [localParticipant, isCameraEnabled]);

  useEffect(() => {
    // media events do not bubble, but the capture phase sees them on the document
    const onPlaying = (event: Event) => {
      const target = event.target;
      if (target instanceof HTMLVideoElement && target.closest('[data-lk-local-participant="false"]')) {
        markOnce(REMOTE_VIDEO);
      }
    };
    document.addEventListener('playing', onPlaying, true);
    return () => document.removeEventListener('playing', onPlaying, true);
  }, []);
}
