// The background-blur switch: "on" only once a blurred frame has actually been produced.

import { useLocalParticipant } from '@livekit/components-react';
import type { LocalVideoTrack } from 'livekit-client';
import { useEffect, useRef, useState } from 'react';
import { startBlur, stopBlur } from './blur';
import { loadChoices, saveChoices } from './devices';

/** Remember the blur for the next visit's pre-join screen. */
function rememberBlur(blur: boolean): void {
  saveChoices({ ...loadChoices(), blur });
}

type BlurState = 'off' | 'starting' | 'on' | 'stopping';

export function BlurToggle({ onProblem }: { onProblem: (message: string) => void }) {
  const { cameraTrack, isCameraEnabled } = useLocalParticipant();
  const [state, setState] = useState<BlurState>('off');
  const frames = useRef(0);
  const track = cameraTrack?.track as LocalVideoTrack | undefined;
  // blur chosen on the pre-join screen: start it as soon as the camera is published
  const chosen = useRef(loadChoices().blur);

  const toggle = async () => {
    if (!track) return;
    if (state === 'off') {
      setState('starting');
      frames.current = 0;
      try {
        await startBlur(track, () => {
          frames.current += 1;
          if (frames.current === 1) setState('on');
        });
      } catch (failure) {
        setState('off');
        rememberBlur(false);
        onProblem(`Background blur could not start: ${failure instanceof Error ? failure.message : 'unknown error'}`);
      }
    } else if (state === 'on' || state === 'starting') {
      setState('stopping');
      try {
        await stopBlur(track);
      } finally {
        setState('off');
      }
    }
  };

  useEffect(() => {
    if (chosen.current && track && isCameraEnabled && state === 'off') {
      chosen.current = false;
      void toggle();
    }
  });

  const pressed = state === 'on' || state === 'starting';
  const label = { off: 'Blur background', starting: 'Starting blur…', on: 'Blur on', stopping: 'Stopping blur…' }[state];
  return (
    <button
      type="button"
      className="lk-button control-button"
      aria-pressed={pressed}
      data-blur={state}
      disabled={!track || !isCameraEnabled || state === 'stopping'}
      title={!isCameraEnabled ? 'Turn your camera on to blur its background' : undefined}
      onClick={() => {
        rememberBlur(state === 'off');
        void toggle();
      }}
    >
      {label}
    </button>
  );
}
