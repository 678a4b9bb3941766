// The camera, microphone and speaker a learner chose before joining, remembered in this
// browser (localStorage) so that the next visit joins in one click; and why a device failed.

import { MediaDeviceFailure } from 'livekit-client';

export interface DeviceChoices {
  videoEnabled: boolean;
  audioEnabled: boolean;
  /** '' is the browser's default device. */
  videoDeviceId: string;
  audioDeviceId: string;
  audioOutputDeviceId: string;
  /** Background blur on the camera, from the pre-join preview into the room. */
  blur: boolean;
}

const KEY = 'colearn:device-choices';
const DEFAULTS: DeviceChoices = {
  videoEnabled: true,
  audioEnabled: true,
  videoDeviceId: '',
  audioDeviceId: '',
  audioOutputDeviceId: '',
  blur: false,
};

export function loadChoices(): DeviceChoices {
  try {
    const saved = JSON.parse(localStorage.getItem(KEY) ?? '{}') as Partial<DeviceChoices>;
    return { ...DEFAULTS, ...saved };
  } catch {
    return { ...DEFAULTS };
  }
}

export function saveChoices(choices: DeviceChoices): void {
  try {
    localStorage.setItem(KEY, JSON.stringify(choices));
  } catch {
    // private mode or a full store: the choices just are not remembered
  }
}

/** A browser that can take part in a call at all (WebRTC and camera/microphone access). */
export function hasWebRtc(): boolean {
  return typeof RTCPeerConnection !== 'undefined' && !!navigator.mediaDevices?.getUserMedia;
}

/** Speaker choice needs HTMLMediaElement.setSinkId (Chromium, Firefox; not Safari). */
export function canChooseSpeaker(): boolean {
  return typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype;
}

export type DeviceProblem = 'denied' | 'missing' | 'in-use' | 'other';

export function problemOf(error: Error): DeviceProblem {
  switch (MediaDeviceFailure.getFailure(error)) {
    case MediaDeviceFailure.PermissionDenied:
      return 'denied';
    case MediaDeviceFailure.NotFound:
      return 'missing';
    case MediaDeviceFailure.DeviceInUse:
      return 'in-use';
    default:
      return 'other';
  }
}

/** The name the server put in the room token (others see this one; it is not ours to choose). */
export function nameInToken(token: string): string | null {
  try {
    const payload = (token.split('.')[1] ?? '').replace(/-/g, '+').replace(/_/g, '/');
    const bytes = Uint8Array.from(atob(payload.padEnd(Math.ceil(payload.length / 4) * 4, "=")), (c) => c.charCodeAt(0));
    const claims = JSON.parse(new TextDecoder().decode(bytes)) as { name?: string };
    return claims.name || null;
  } catch {
    return null;
  }
}
