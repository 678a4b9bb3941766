// Microphone, camera, screen share, blur, captions, panels, leave: one keyboard-reachable row.

import { DisconnectButton, TrackToggle } from '@livekit/components-react';
import { Track } from 'livekit-client';
import { BlurToggle } from './BlurToggle';
import { PANELS, type PanelName } from './SidePanelTabs';
import { deviceFailure } from './joinErrors';
import { MediaDeviceFailure } from 'livekit-client';

interface Props {
  captions: boolean;
  onCaptions: (on: boolean) => void;
  panel: PanelName | null;
  onPanel: (name: PanelName) => void;
  onDeviceProblem: (message: string) => void;
}

const canShareScreen = typeof navigator !== 'undefined' && !!navigator.mediaDevices?.getDisplayMedia;

export function RoomControls({ captions, onCaptions, panel, onPanel, onDeviceProblem }: Props) {
  const deviceError = (kind: MediaDeviceKind) => (error: Error) =>
    onDeviceProblem(deviceFailure(MediaDeviceFailure.getFailure(error), kind));
  return (
    <nav className="room-controls" aria-label="Call controls">
      <TrackToggle source={Track.Source.Microphone} className="control-button" onDeviceError={deviceError('audioinput')}>
        Microphone
      </TrackToggle>
      <TrackToggle source={Track.Source.Camera} className="control-button" onDeviceError={deviceError('videoinput')}>
        Camera
      </TrackToggle>
      {canShareScreen ? (
        <TrackToggle source={Track.Source.ScreenShare} className="control-button hide-on-phone" captureOptions={{ audio: false }}>
          Share screen
        </TrackToggle>
      ) : null}
      <BlurToggle onProblem={onDeviceProblem} />
      <button type="button" className="lk-button control-button" aria-pressed={captions} onClick={() => onCaptions(!captions)}>
        Captions
      </button>
      {PANELS.map(({ name, label }) => (
        <button
          key={name}
          type="button"
          className="lk-button control-button"
          aria-pressed={panel === name}
          onClick={() => onPanel(name)}
        >
          {label}
        </button>
      ))}
      <DisconnectButton className="control-button leave-button">Leave</DisconnectButton>
    </nav>
  );
}
