// Live captions: the agent's lk.transcription text streams, newest last, with the speaker.

import { useParticipants, useTranscriptions } from '@livekit/components-react';
import { TappableText } from '../vocabulary/TappableText';

const SHOWN = 3;
const SEGMENT_ID = 'lk.segment_id';

export function Captions({ onTapWord }: { onTapWord?: (word: string, sentence: string) => void }) {
  const segments = useTranscriptions();
  const participants = useParticipants();
  const nameOf = (identity: string) => participants.find((p) => p.identity === identity)?.name || identity;
  // interim and final text of one utterance share lk.segment_id: show each utterance once,
  // as its latest text
  const bySegment = new Map<string, (typeof segments)[number]>();
  for (const segment of segments) {
    bySegment.set(segment.streamInfo.attributes?.[SEGMENT_ID] ?? segment.streamInfo.id, segment);
  }
  const latest = [...bySegment.values()].filter((s) => s.text.trim()).slice(-SHOWN);
  return (
    <div className="captions" role="region" aria-label="Captions" aria-live="polite">
      {latest.length === 0 ? <p className="caption-line muted">Captions are on. Speak and your words appear here.</p> : null}
      {latest.map((segment) => (
        <p key={segment.streamInfo.id} className="caption-line">
          <strong>{nameOf(segment.participantInfo.identity)}:</strong> <TappableText text={segment.text} onTap={onTapWord} />
        </p>
      ))}
    </div>
  );
}
