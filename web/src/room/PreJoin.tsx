// Before joining: see yourself, watch the microphone level, choose camera, microphone and
// speaker, join with either off. The choices are remembered (devices.ts), so a returning
// learner only clicks Join. Each way a device can fail gets its own advice.

import { usePreviewTracks } from '@livekit/components-react';
import { createAudioAnalyser, Track, type LocalAudioTrack, type LocalVideoTrack } from 'livekit-client';
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { markJoinClick } from '../lib/timing';
import { canChooseSpeaker, hasWebRtc, loadChoices, problemOf, saveChoices, type DeviceChoices, type DeviceProblem } from './devices';
import { startBlur, stopBlur } from './blur';
import { PreJoinProblem } from './PreJoinProblem';
import { DeviceSelect, useDeviceList } from './PreJoinDevices';
import './PreJoin.css';

interface Props {
  title: string;
  /** The name the server gives this person in the room (null: unknown). */
  name: string | null;
  onJoin: (choices: DeviceChoices) => void;
  /** The way back (dashboard or invitation). */
  back: ReactNode;
}

export function PreJoin({ title, name, onJoin, back }: Props) {
  const [choices, setChoices] = useState(loadChoices);
  const [problem, setProblem] = useState<DeviceProblem | null>(null);
  const [attempt, setAttempt] = useState(0);
  const update = (patch: Partial<DeviceChoices>) => setChoices((c) => ({ ...c, ...patch }));
  const webrtc = hasWebRtc();

  const join = () => {
    markJoinClick();
    saveChoices(choices);
    // a device that failed here would fail in the room too: join without it, turn it on later
    onJoin(problem ? { ...choices, videoEnabled: false, audioEnabled: false } : choices);
  };

  return (
    <main id="main" className="page prejoin">
      <h1>{title}</h1>
      <p className="prejoin-intro">Check your camera and microphone, then join.</p>
      {!webrtc ? (
        <PreJoinProblem problem="no-webrtc" />
      ) : (
        <Preview key={attempt} choices={choices} update={update} problem={problem} setProblem={setProblem} />
      )}
      {problem ? (
        <PreJoinProblem problem={problem} onRetry={() => {
          setProblem(null);
          setAttempt((n) => n + 1);
        }} />
      ) : null}
      {name ? (
        <p className="prejoin-name">
          Others will see you as <strong>{name}</strong>.
        </p>
      ) : null}
      <div className="prejoin-actions">
        {webrtc ? (
          <button type="button" className="button prejoin-join" onClick={join}>
            Join
          </button>
        ) : null}
        {back}
      </div>
    </main>
  );
}

interface PreviewProps {
  choices: DeviceChoices;
  update: (patch: Partial<DeviceChoices>) => void;
  problem: DeviceProblem | null;
  setProblem: (problem: DeviceProblem | null) => void;
}

function Preview({ choices, update, problem, setProblem }: PreviewProps) {
  // one preview track per kind, so turning the camera off or on leaves the microphone running
  const audioOptions = useMemo(
    () => ({
      audio: choices.audioEnabled ? (choices.audioDeviceId ? { deviceId: choices.audioDeviceId } : true) : false,
      video: false,
    }),
    [choices.audioEnabled, choices.audioDeviceId],
  );
  const videoOptions = useMemo(
    () => ({
      audio: false,
      video: choices.videoEnabled ? (choices.videoDeviceId ? { deviceId: choices.videoDeviceId } : true) : false,
    }),
    [choices.videoEnabled, choices.videoDeviceId],
  );
  const onError = useCallback((error: Error) => setProblem(problemOf(error)), [setProblem]);
  const audioTracks = usePreviewTracks(audioOptions, onError);
  const videoTracks = usePreviewTracks(videoOptions, onError);
  const tracks = useMemo(() => [...(audioTracks ?? []), ...(videoTracks ?? [])], [audioTracks, videoTracks]);
  const video = choices.videoEnabled
    ? (videoTracks?.find((t) => t.kind === Track.Kind.Video) as LocalVideoTrack | undefined)
    : undefined;
  const audio = choices.audioEnabled
    ? (audioTracks?.find((t) => t.kind === Track.Kind.Audio) as LocalAudioTrack | undefined)
    : undefined;
  // the problem is over once every device asked for is working
  const working = (!choices.audioEnabled || !!audio) && (!choices.videoEnabled || !!video);
  useEffect(() => {
    if (working && tracks.length) setProblem(null);
  }, [working, tracks, setProblem]);
  const cameras = useDeviceList('videoinput', tracks);
  const microphones = useDeviceList('audioinput', tracks);
  const speakers = useDeviceList('audiooutput', tracks);

  return (
    <div className="prejoin-body" data-problem={problem ?? undefined}>
      <CameraPreview track={video} blur={choices.blur} />
      <div className="prejoin-settings">
        <fieldset className="prejoin-toggles">
          <legend>Join with</legend>
          <label>
            <input type="checkbox" checked={choices.videoEnabled} onChange={(e) => update({ videoEnabled: e.target.checked })} />
            Camera on
          </label>
          <label>
            <input type="checkbox" checked={choices.audioEnabled} onChange={(e) => update({ audioEnabled: e.target.checked })} />
            Microphone on
          </label>
          <label>
            <input type="checkbox" checked={choices.blur} disabled={!video} onChange={(e) => update({ blur: e.target.checked })} />
            Blur background
          </label>
        </fieldset>
        <DeviceSelect kind="videoinput" devices={cameras} value={choices.videoDeviceId} onChange={(id) => update({ videoDeviceId: id })} />
        <DeviceSelect kind="audioinput" devices={microphones} value={choices.audioDeviceId} onChange={(id) => update({ audioDeviceId: id })} />
        <MicLevel track={audio} />
        {canChooseSpeaker() ? (
          <DeviceSelect kind="audiooutput" devices={speakers} value={choices.audioOutputDeviceId} onChange={(id) => update({ audioOutputDeviceId: id })} />
        ) : null}
      </div>
    </div>
  );
}

function CameraPreview({ track, blur }: { track: LocalVideoTrack | undefined; blur: boolean }) {
  const ref = useRef<HTMLVideoElement>(null);
  const blurred = usePreviewBlur(track, blur);
  useEffect(() => {
    const element = ref.current;
    if (!track || !element) return;
    track.attach(element);
    return () => {
      track.detach(element);
    };
  }, [track]);
  return (
    <div className="prejoin-video" data-blur={track && blur ? blurred : 'off'}>
      {track ? (
        <video ref={ref} muted playsInline autoPlay aria-label="Your camera preview" />
      ) : (
        <p className="prejoin-camera-off">Camera off</p>
      )}
      {track && blur ? (
        <p className="prejoin-blur-state" role="status">
          {{ starting: 'Starting blur…', on: 'Background blurred', failed: 'Background blur is not available in this browser', off: '' }[blurred]}
        </p>
      ) : null}
    </div>
  );
}

type PreviewBlur = 'off' | 'starting' | 'on' | 'failed';

/** Blur the preview's background while `wanted`: 'on' once a blurred frame was made. */
function usePreviewBlur(track: LocalVideoTrack | undefined, wanted: boolean): PreviewBlur {
  const [state, setState] = useState<PreviewBlur>('off');
  useEffect(() => {
    if (!track || !wanted) {
      setState('off');
      return;
    }
    let current = true;
    setState('starting');
    startBlur(track, () => current && setState('on')).catch(() => current && setState('failed'));
    return () => {
      current = false;
      stopBlur(track).catch(() => undefined);
    };
  }, [track, wanted]);
  return state;
}

/** The microphone's loudness, ten times a second: speak and it moves. */
function MicLevel({ track }: { track: LocalAudioTrack | undefined }) {
  const [level, setLevel] = useState(0);
  useEffect(() => {
    if (!track) {
      setLevel(0);
      return;
    }
    const analyser = createAudioAnalyser(track, { cloneTrack: true });
    const timer = window.setInterval(() => setLevel(Math.min(1, analyser.calculateVolume() * 2)), 100);
    return () => {
      window.clearInterval(timer);
      analyser.cleanup().catch(() => undefined);
    };
  }, [track]);
  return (
    <div className="prejoin-meter">
      <label htmlFor="mic-level">Microphone level</label>
      <meter id="mic-level" min={0} max={1} low={0.05} value={level} />
    </div>
  );
}
