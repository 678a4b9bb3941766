// Live captions: the agent's lk.transcription text streams, newest last, with the speaker.

import { useParticipants, useTranscriptions } from '@livekit/components-react';

const SHOWN = 3;

export function Captions() {
  const segments = useTranscriptions();
  const participants = useParticipants();
  const nameOf = (identity: string) => participants.find((p) => p.identity === identity)?.name || identity;
  const latest = segments.filter((s) => s.text.trim()).slice(-SHOWN);
  return (
    <div className="captions" role="region" aria-label="Captions" aria-live="polite">
      {latest.length === 0 ? <p className="caption-line muted">Captions are on. Speak and your words appear here.</p> : null}
      {latest.map((segment) => (
        <p key={segment.streamInfo.id} className="caption-line">
          <strong>{nameOf(segment.participantInfo.identity)}:</strong> {segment.text}
        </p>
      ))}
    </div>
  );
}
