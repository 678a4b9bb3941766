// "You are muted": shown when someone talks with their microphone off, said politely to a
// screen reader, and dismissible (it comes back after the next unmute and mute).

import { useLocalParticipant } from '@livekit/components-react';
import { useEffect, useState } from 'react';
import { useSpeechWhileMuted } from './useSpeechWhileMuted';
import './RoomEnd.css';

export function MutedHint() {
  const talking = useSpeechWhileMuted();
  const { isMicrophoneEnabled } = useLocalParticipant();
  const [dismissed, setDismissed] = useState(false);
  useEffect(() => {
    if (isMicrophoneEnabled) setDismissed(false);
  }, [isMicrophoneEnabled]);
  const shown = talking && !dismissed;
  // the live region is always there, so that the words are announced when they appear
  return (
    <div className="muted-hint" data-shown={shown}>
      <p className="muted-hint-text" role="status" aria-live="polite" aria-label="Microphone hint">
        {shown ? 'You are muted. Press M or the microphone button to talk.' : ''}
      </p>
      {shown ? (
        <button type="button" className="button secondary muted-hint-dismiss" onClick={() => setDismissed(true)}>
          Dismiss
        </button>
      ) : null}
    </div>
  );
}
