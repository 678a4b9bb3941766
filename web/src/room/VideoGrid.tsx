// Everyone's camera and screen share, in LiveKit's own grid (it re-flows for any width).

import { GridLayout, ParticipantTile, useTracks } from '@livekit/components-react';
import { Track } from 'livekit-client';
import { AGENT_IDENTITY } from './wire';

const SOURCES = [
  { source: Track.Source.Camera, withPlaceholder: true },
  { source: Track.Source.ScreenShare, withPlaceholder: false },
];

export function VideoGrid() {
  // the agent publishes no video: a placeholder tile for it would only take space
  const tracks = useTracks(SOURCES, { onlySubscribed: false }).filter(
    (ref) => ref.participant.identity !== AGENT_IDENTITY,
  );
  return (
    <GridLayout tracks={tracks} className="video-grid">
      <ParticipantTile />
    </GridLayout>
  );
}
