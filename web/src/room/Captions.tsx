// Live captions: the agent's lk.transcription text streams, the last three utterances with
// their speakers, newest last; the text size (small, medium, large) is remembered.

import { useParticipants, useTranscriptions } from '@livekit/components-react';
import { useState } from 'react';
import { TappableText } from '../vocabulary/TappableText';
import { useRestoredCaptions } from './useRestoredCaptions';

const SHOWN = 3;
const SEGMENT_ID = 'lk.segment_id';
const SIZE_KEY = 'colearn.captionSize';
const SIZES = ['small', 'medium', 'large'] as const;
type Size = (typeof SIZES)[number];

function storedSize(): Size {
  try {
    const kept = window.localStorage.getItem(SIZE_KEY);
    return SIZES.find((s) => s === kept) ?? 'medium';
  } catch {
    return 'medium'; // storage blocked: the default
  }
}

interface Props {
  /** Captions switched off: nothing shown, but what is said is still kept, so switching them
   * back on shows the last lines at once. */
  hidden?: boolean;
  onTapWord?: (word: string, sentence: string) => void;
}

export function Captions({ hidden = false, onTapWord }: Props) {
  const segments = useTranscriptions();
  const participants = useParticipants();
  const [size, setSize] = useState<Size>(storedSize);
  const choose = (next: Size) => {
    setSize(next);
    try {
      window.localStorage.setItem(SIZE_KEY, next);
    } catch {
      // not kept: this page still uses it
    }
  };
  const nameOf = (identity: string) => participants.find((p) => p.identity === identity)?.name || identity;
  // interim and final text of one utterance share lk.segment_id: show each utterance once,
  // as its latest text; after a full reconnect the transcript fills in what was missed
  const restored = useRestoredCaptions();
  const bySegment = new Map<string, { id: string; speaker: string; text: string; at: number }>();
  for (const s of restored) {
    bySegment.set(s.id, { id: s.id, speaker: s.speaker.name || nameOf(s.speaker.identity), text: s.text, at: Date.parse(s.started_at) });
  }
  for (const segment of segments) {
    const id = segment.streamInfo.attributes?.[SEGMENT_ID] ?? segment.streamInfo.id;
    const at = bySegment.get(id)?.at ?? segment.streamInfo.timestamp;
    bySegment.set(id, { id, speaker: nameOf(segment.participantInfo.identity), text: segment.text, at });
  }
  const latest = [...bySegment.values()]
    .filter((s) => s.text.trim())
    .sort((a, b) => a.at - b.at)
    .slice(-SHOWN);
  if (hidden) return null;
  return (
    <div className={`captions caption-${size}`} role="region" aria-label="Captions">
      <div className="caption-sizes" role="group" aria-label="Caption size">
        {SIZES.map((s) => (
          <button key={s} type="button" aria-pressed={size === s} onClick={() => choose(s)}>
            {s[0]!.toUpperCase() + s.slice(1)}
          </button>
        ))}
      </div>
      <div className="caption-lines" aria-live="polite">
        {latest.length === 0 ? <p className="caption-line muted">Captions are on. Speak and your words appear here.</p> : null}
        {latest.map((segment) => (
          <p key={segment.id} className="caption-line">
            <strong className="caption-speaker">{segment.speaker}:</strong> <TappableText text={segment.text} onTap={onTapWord} />
          </p>
        ))}
      </div>
    </div>
  );
}
