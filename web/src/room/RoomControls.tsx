// Microphone, camera, screen share, blur, captions, panels, leave: one keyboard-reachable row.
// On a phone the less used ones sit behind "More"; leaving asks first.

import { TrackToggle, useLocalParticipant } from '@livekit/components-react';
import { MediaDeviceFailure, Track } from 'livekit-client';
import { useState } from 'react';
import { BlurToggle } from './BlurToggle';
import { PANELS, type PanelName } from './SidePanelTabs';
import { deviceFailure } from './joinErrors';
import { LeaveConfirm } from './LeaveConfirm';
import { ShortcutHelp, useShortcuts } from './Shortcuts';
import { UnreadBadge } from './UnreadBadge';

interface Props {
  captions: boolean;
  onCaptions: (on: boolean) => void;
  panel: PanelName | null;
  onPanel: (name: PanelName) => void;
  onDeviceProblem: (message: string) => void;
  /** Open the camera/microphone/speaker choice (switching without leaving). */
  onDevices?: () => void;
  devicesOpen?: boolean;
  /** Chat messages from others not seen yet (0 hides the badge). */
  unreadChat?: number;
  /** The facilitator's "End meeting for all" (absent for everyone else). */
  onEndForAll?: () => Promise<void>;
}

const canShareScreen = typeof navigator !== 'undefined' && !!navigator.mediaDevices?.getDisplayMedia;
// LiveKit's TrackSource.SCREEN_SHARE in a token's canPublishSources (an empty list allows all):
// a guest's token leaves it out (api/room_tokens.py), so a guest is not offered the button.
const SCREEN_SHARE_SOURCE = 3;

export function RoomControls({ captions, onCaptions, panel, onPanel, onDeviceProblem, onDevices, devicesOpen = false, unreadChat = 0, onEndForAll }: Props) {
  const { isMicrophoneEnabled, isCameraEnabled, localParticipant } = useLocalParticipant();
  const allowed = localParticipant.permissions?.canPublishSources ?? [];
  const mayShareScreen = canShareScreen && (allowed.length === 0 || allowed.includes(SCREEN_SHARE_SOURCE));
  const [more, setMore] = useState(false);
  const [leaving, setLeaving] = useState(false);
  const [help, setHelp] = useState(false);
  useShortcuts(() => onPanel('chat'), () => setHelp(true));
  const closeMenus = () => {
    setMore(false);
    setLeaving(false);
  };
  const deviceError = (kind: MediaDeviceKind) => (error: Error) =>
    onDeviceProblem(deviceFailure(MediaDeviceFailure.getFailure(error), kind));
  const panelButton = (name: PanelName, label: string) => (
    <button
      key={name}
      type="button"
      className="lk-button control-button"
      aria-pressed={panel === name}
      onClick={() => {
        setMore(false);
        onPanel(name);
      }}
    >
      {label}
      {name === 'chat' ? <UnreadBadge count={unreadChat} /> : null}
    </button>
  );
  return (
    <nav className="room-controls" aria-label="Call controls" onKeyDown={(e) => e.key === 'Escape' && closeMenus()}>
      <TrackToggle source={Track.Source.Microphone} className="control-button" onDeviceError={deviceError('audioinput')}>
        <span className="control-label">{isMicrophoneEnabled ? 'Microphone on' : 'Microphone off'}</span>
      </TrackToggle>
      <TrackToggle source={Track.Source.Camera} className="control-button" onDeviceError={deviceError('videoinput')}>
        <span className="control-label">{isCameraEnabled ? 'Camera on' : 'Camera off'}</span>
      </TrackToggle>
      {panelButton('chat', 'Chat')}
      <button
        type="button"
        className="lk-button control-button more-button"
        aria-expanded={more}
        aria-controls="more-controls"
        onClick={() => setMore(!more)}
      >
        More
      </button>
      <div id="more-controls" className={`more-controls${more ? ' open' : ''}`}>
        {mayShareScreen ? (
          <TrackToggle source={Track.Source.ScreenShare} className="control-button" captureOptions={{ audio: false }}>
            Share screen
          </TrackToggle>
        ) : null}
        <BlurToggle onProblem={onDeviceProblem} />
        <button type="button" className="lk-button control-button" aria-pressed={captions} onClick={() => onCaptions(!captions)}>
          Captions
        </button>
        {onDevices ? (
          <button
            type="button"
            className="lk-button control-button"
            aria-expanded={devicesOpen}
            onClick={() => {
              setMore(false);
              onDevices();
            }}
          >
            Devices
          </button>
        ) : null}
        {PANELS.filter((p) => p.name !== 'chat').map(({ name, label }) => panelButton(name, label))}
        <button
          type="button"
          className="lk-button control-button"
          aria-keyshortcuts="Shift+?"
          onClick={() => {
            setMore(false);
            setHelp(true);
          }}
        >
          Shortcuts
        </button>
      </div>
      {leaving && !onEndForAll ? (
        <LeaveConfirm onStay={() => setLeaving(false)} />
      ) : (
        <button
          type="button"
          className="lk-button control-button leave-button"
          aria-expanded={onEndForAll ? leaving : undefined}
          onClick={() => setLeaving(!leaving)}
        >
          Leave
        </button>
      )}
      {leaving && onEndForAll ? <LeaveConfirm onStay={() => setLeaving(false)} onEndForAll={onEndForAll} /> : null}
      <ShortcutHelp open={help} onClose={() => setHelp(false)} />
    </nav>
  );
}
