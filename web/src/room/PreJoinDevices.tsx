// Choosing a camera, microphone or speaker: one labelled native <select> each, used on the
// pre-join screen (with the browser's own device list) and in the room (LiveKit's
// useMediaDeviceSelect, which switches the published track without leaving).

import { useMediaDeviceSelect } from '@livekit/components-react';
import { useEffect, useState } from 'react';
import { canChooseSpeaker, loadChoices, saveChoices, type DeviceChoices } from './devices';

const LABEL: Record<MediaDeviceKind, string> = {
  videoinput: 'Camera',
  audioinput: 'Microphone',
  audiooutput: 'Speaker',
};
const CHOICE: Record<MediaDeviceKind, keyof DeviceChoices> = {
  videoinput: 'videoDeviceId',
  audioinput: 'audioDeviceId',
  audiooutput: 'audioOutputDeviceId',
};

/** The devices of one kind, listed again when they change or when `refresh` does (labels
 * only appear once a permission is granted). */
export function useDeviceList(kind: MediaDeviceKind, refresh: unknown): MediaDeviceInfo[] {
  const [devices, setDevices] = useState<MediaDeviceInfo[]>([]);
  useEffect(() => {
    const media = navigator.mediaDevices;
    if (!media?.enumerateDevices) return;
    let current = true;
    const list = () =>
      media
        .enumerateDevices()
        .then((all) => current && setDevices(all.filter((d) => d.kind === kind && d.deviceId !== '')))
        .catch(() => undefined);
    list();
    media.addEventListener?.('devicechange', list);
    return () => {
      current = false;
      media.removeEventListener?.('devicechange', list);
    };
  }, [kind, refresh]);
  return devices;
}

interface SelectProps {
  kind: MediaDeviceKind;
  devices: MediaDeviceInfo[];
  value: string;
  onChange: (deviceId: string) => void;
  disabled?: boolean;
}

export function DeviceSelect({ kind, devices, value, onChange, disabled }: SelectProps) {
  const id = `device-${kind}`;
  const known = devices.some((d) => d.deviceId === value);
  return (
    <div className="device-select">
      <label htmlFor={id}>{LABEL[kind]}</label>
      <select
        id={id}
        value={known ? value : (devices[0]?.deviceId ?? '')}
        disabled={disabled || devices.length === 0}
        onChange={(event) => onChange(event.target.value)}
      >
        {devices.length === 0 ? <option value="">None found</option> : null}
        {devices.map((device, index) => (
          <option key={device.deviceId} value={device.deviceId}>
            {device.label || `${LABEL[kind]} ${index + 1}`}
          </option>
        ))}
      </select>
    </div>
  );
}

function RoomDeviceSelect({ kind }: { kind: MediaDeviceKind }) {
  const { devices, activeDeviceId, setActiveMediaDevice } = useMediaDeviceSelect({ kind });
  return (
    <DeviceSelect
      kind={kind}
      devices={devices.filter((d) => d.deviceId !== '')}
      value={activeDeviceId}
      onChange={(deviceId) => {
        setActiveMediaDevice(deviceId).catch(() => undefined);
        // the next visit's pre-join starts from this choice
        saveChoices({ ...loadChoices(), [CHOICE[kind]]: deviceId });
      }}
    />
  );
}

/** In the room: switch camera, microphone (and speaker where the browser can) without leaving. */
export function RoomDevices({ onClose }: { onClose: () => void }) {
  return (
    <div className="room-devices" role="group" aria-label="Devices">
      <RoomDeviceSelect kind="videoinput" />
      <RoomDeviceSelect kind="audioinput" />
      {canChooseSpeaker() ? <RoomDeviceSelect kind="audiooutput" /> : null}
      <button type="button" className="lk-button control-button" onClick={onClose}>
        Done
      </button>
    </div>
  );
}
