// Getting into a session's room: ask the API for a token, then connect with LiveKit.
// A member's token comes from /api/occurrences/{id}/token; a guest's page passes its own
// way to get one (the invitation link's /api/guest/token).

import '@livekit/components-styles';
import { LiveKitRoom } from '@livekit/components-react';
import { DisconnectReason, type MediaDeviceFailure, type RoomConnectOptions, type RoomOptions } from 'livekit-client';
import { useEffect, useMemo, useRef, useState } from 'react';
import { Alert } from '../components/Alert';
import { api } from '../lib/api';
import { Link } from '../lib/router';
import type { Occurrence, RoomToken } from '../lib/types';
import { nameInToken, type DeviceChoices } from './devices';
import { EndedScreen } from './EndedScreen';
import { deviceFailure, tokenRefusal } from './joinErrors';
import { PreJoin } from './PreJoin';
import { RoomView } from './RoomView';

// Loopback and LAN deployments need no STUN/TURN from elsewhere; the server's own ICE
// candidates are enough, and nothing is asked of a third party.
const CONNECT: RoomConnectOptions = { rtcConfig: { iceServers: [] }, autoSubscribe: true };
const OPTIONS: RoomOptions = { adaptiveStream: true, dynacast: true };

type Phase =
  | { kind: 'loading' }
  | { kind: 'refused'; message: string }
  | { kind: 'ready'; token: RoomToken; occurrence: Occurrence | null }
  | { kind: 'left'; lost: boolean }
  // the facilitator ended the meeting for everyone (livekit-server deleted the room)
  | { kind: 'ended'; title: string; byMe: boolean };

export interface GuestEntry {
  /** The occurrence's title, known to the guest page already. */
  title: string;
  getToken: () => Promise<RoomToken>;
  /** Back to the guest page (from a refusal, or after leaving). */
  onBack: () => void;
}

export default function RoomPage({ occurrenceId, guest }: { occurrenceId: number; guest?: GuestEntry }) {
  const [phase, setPhase] = useState<Phase>({ kind: 'loading' });
  const [deviceProblem, setDeviceProblem] = useState<string | null>(null);
  const [fatal, setFatal] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  // chosen on the pre-join screen; kept for a rejoin, which then needs no second look
  const [choices, setChoices] = useState<DeviceChoices | null>(null);
  // this page asked for the end, so its own disconnect is the end it asked for
  const endingHere = useRef(false);

  useEffect(() => {
    let current = true;
    setPhase({ kind: 'loading' });
    const entry: Promise<[RoomToken, Occurrence | null]> = guest
      ? guest.getToken().then((token) => [token, null])
      : Promise.all([
          api.post<RoomToken>(`/api/occurrences/${occurrenceId}/token`),
          api.get<Occurrence>(`/api/occurrences/${occurrenceId}`).catch(() => null),
        ]);
    entry
      .then(([token, occurrence]) => current && setPhase({ kind: 'ready', token, occurrence }))
      .catch((error: unknown) => current && setPhase({ kind: 'refused', message: tokenRefusal(error) }));
    return () => {
      current = false;
    };
    // a guest's entry is fixed for the page's life
  }, [occurrenceId, attempt]);

  const onDeviceFailure = useMemo(
    () => (failure?: MediaDeviceFailure, kind?: MediaDeviceKind) => setDeviceProblem(deviceFailure(failure, kind)),
    [],
  );

  const endForAll = async () => {
    endingHere.current = true;
    try {
      await api.post(`/api/occurrences/${occurrenceId}/end`);
    } catch (error) {
      endingHere.current = false;
      setDeviceProblem(`The meeting could not be ended: ${error instanceof Error ? error.message : String(error)}`);
      throw error;
    }
  };

  const media = useMemo(() => (choices ? roomMedia(choices) : null), [choices]);

  const back = guest ? (
    <button type="button" className="button secondary" onClick={guest.onBack}>
      Back to the invitation
    </button>
  ) : (
    <Link to="/dashboard" className="button secondary">
      Back to your sessions
    </Link>
  );

  if (phase.kind === 'ended') return <EndedScreen title={phase.title} byMe={phase.byMe} back={back} />;
  if (phase.kind === 'loading') return <p className="page-status" role="status">Opening the room…</p>;
  if (phase.kind === 'refused' || phase.kind === 'left') {
    return (
      <main id="main" className="page room-message">
        {phase.kind === 'refused' ? <Alert>{phase.message}</Alert> : null}
        {phase.kind === 'left' && phase.lost ? (
          <Alert>The connection to the room was lost and could not be restored.</Alert>
        ) : null}
        {phase.kind === 'left' && !phase.lost ? <p role="status">You left the room.</p> : null}
        {phase.kind === 'left' ? (
          <button type="button" className="button" onClick={() => setAttempt((n) => n + 1)}>
            {phase.lost ? 'Try again' : 'Rejoin'}
          </button>
        ) : null}
        {back}
      </main>
    );
  }
  const title = guest?.title ?? phase.occurrence?.title ?? 'Session';
  if (!media) {
    return <PreJoin title={title} name={nameInToken(phase.token.token)} onJoin={setChoices} back={back} />;
  }
  return (
    <LiveKitRoom
      className="room"
      data-lk-theme="default"
      serverUrl={phase.token.url}
      token={phase.token.token}
      connect
      audio={media.audio}
      video={media.video}
      options={media.options}
      connectOptions={CONNECT}
      onMediaDeviceFailure={onDeviceFailure}
      onError={(error) => setFatal(`The call failed: ${error.message}`)}
      onDisconnected={(reason) =>
        setPhase(
          reason === DisconnectReason.ROOM_DELETED
            ? { kind: 'ended', title, byMe: endingHere.current }
            : { kind: 'left', lost: reason !== DisconnectReason.CLIENT_INITIATED },
        )
      }
    >
      <RoomView
        title={title}
        occurrenceId={occurrenceId}
        signedIn={!guest}
        notice={fatal ?? deviceProblem}
        clearNotice={() => {
          setDeviceProblem(null);
          setFatal(null);
        }}
        onDeviceProblem={setDeviceProblem}
        onEndForAll={phase.token.role === 'facilitator' ? endForAll : undefined}
      />
    </LiveKitRoom>
  );
}

/** What the room publishes and with which devices: the pre-join screen's choices. */
function roomMedia(choices: DeviceChoices) {
  const audioCapture = choices.audioDeviceId ? { deviceId: choices.audioDeviceId } : {};
  const videoCapture = choices.videoDeviceId ? { deviceId: choices.videoDeviceId } : {};
  const options: RoomOptions = {
    ...OPTIONS,
    audioCaptureDefaults: audioCapture,
    videoCaptureDefaults: videoCapture,
    audioOutput: choices.audioOutputDeviceId ? { deviceId: choices.audioOutputDeviceId } : undefined,
  };
  return {
    audio: choices.audioEnabled ? audioCapture : false,
    video: choices.videoEnabled ? videoCapture : false,
    options,
  };
}
