// Whether the person is talking while their microphone is muted (Meet's "you are muted").
// LiveKit mutes the published track by disabling it (the MediaStreamTrack then carries
// silence), so a clone of it, enabled, listens instead: only while muted, only on this
// device, nothing is sent. The clone is stopped on unmute, on a new microphone and on leaving.
// Someone who joined with the microphone off has no track to clone, and none is opened.

import { useLocalParticipant } from '@livekit/components-react';
import { useEffect, useState } from 'react';

const POLL_MS = 50;
/** Loudness over one analyser window (about 43 ms) that counts as sound, in dBFS. */
const LOUD_DB = -45;
/** Talking: at least this many loud windows among the last 30 (1.5 s); a cough is not. */
const WINDOW = 30;
const NEEDED = 4;
/** Quiet this long and the hint goes away again. */
const QUIET_MS = 4_000;

export function useSpeechWhileMuted(): boolean {
  const { isMicrophoneEnabled, microphoneTrack } = useLocalParticipant();
  const source = microphoneTrack?.track?.mediaStreamTrack;
  const [talking, setTalking] = useState(false);

  useEffect(() => {
    setTalking(false);
    if (isMicrophoneEnabled || !source || source.readyState === 'ended') return;
    const copy = source.clone();
    copy.enabled = true;
    const context = new AudioContext();
    void context.resume();
    const input = context.createMediaStreamSource(new MediaStream([copy]));
    const analyser = context.createAnalyser();
    analyser.fftSize = 2048;
    input.connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    const recent: boolean[] = [];
    let lastTalk = 0;
    const timer = window.setInterval(() => {
      analyser.getFloatTimeDomainData(samples);
      let energy = 0;
      for (const x of samples) energy += x * x;
      const level = 10 * Math.log10(energy / samples.length + 1e-12);
      recent.push(level > LOUD_DB);
      if (recent.length > WINDOW) recent.shift();
      const now = Date.now();
      if (recent.filter(Boolean).length >= NEEDED) {
        lastTalk = now;
        setTalking(true);
      } else if (now - lastTalk > QUIET_MS) {
        setTalking(false);
      }
    }, POLL_MS);
    return () => {
      window.clearInterval(timer);
      input.disconnect();
      copy.stop();
      void context.close();
    };
  }, [isMicrophoneEnabled, source]);

  return talking && !isMicrophoneEnabled;
}
