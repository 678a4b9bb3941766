// Why someone cannot get into a room, said so that they know what to do next.

import { MediaDeviceFailure } from 'livekit-client';
import { ApiError } from '../lib/api';
import { when } from '../lib/format';

export function tokenRefusal(error: unknown): string {
  if (!(error instanceof ApiError)) return 'Could not open the room. Check your connection and try again.';
  switch (error.code) {
    case 'too_early': {
      const opens = /\d{4}-\d\d-\d\dT[\d:]+Z/.exec(error.message)?.[0];
      return opens
        ? `Too early to join: the room opens ${when(opens)}. Come back then.`
        : `Too early to join. ${error.message}`;
    }
    case 'ended': // the server says whether its time is over or the facilitator ended it
      return error.message || 'This session has ended; its room is closed.';
    case 'not_booked':
      return `You have no seat in this session. ${error.message}`;
    case 'occurrence_cancelled':
      return 'This session was cancelled.';
    case 'unauthorized':
      return 'You are signed out. Sign in again to join.';
    default:
      return error.message;
  }
}

export function deviceFailure(failure: MediaDeviceFailure | undefined, kind: MediaDeviceKind | undefined): string {
  const device = kind === 'audioinput' ? 'microphone' : 'camera';
  switch (failure) {
    case MediaDeviceFailure.PermissionDenied:
      return `Your ${device} is blocked. Allow it in the browser (the icon in the address bar), then turn it on again. Others can still see and hear the room.`;
    case MediaDeviceFailure.NotFound:
      return `No ${device} was found. Plug one in, then turn it on again.`;
    case MediaDeviceFailure.DeviceInUse:
      return `Your ${device} is in use by another app. Close it, then turn the ${device} on again.`;
    default:
      return `Your ${device} could not be started. Try turning it on again.`;
  }
}
