// Background blur with MediaPipe, from files this server hosts (api/web.py serves them at
// /mediapipe/; `make setup` prepares them from npm packages): nothing is fetched elsewhere.
// The processor code is a separate chunk, loaded on the first toggle.

import type { LocalVideoTrack } from 'livekit-client';

export const BLUR_ASSETS = {
  tasksVisionFileSet: '/mediapipe/wasm',
  modelAssetPath: '/mediapipe/selfie_segmentation.tflite',
};
const BLUR_RADIUS = 12;

export class BlurUnsupported extends Error {}

/** Blur `track`'s background; `onFrame` is called for each processed frame. */
export async function startBlur(track: LocalVideoTrack, onFrame: () => void): Promise<void> {
  const { BackgroundProcessor, supportsBackgroundProcessors } = await import('@livekit/track-processors');
  if (!supportsBackgroundProcessors()) throw new BlurUnsupported('This browser cannot blur video backgrounds.');
  const processor = BackgroundProcessor({
    mode: 'background-blur',
    blurRadius: BLUR_RADIUS,
    assetPaths: BLUR_ASSETS,
    onFrameProcessed: onFrame,
  });
  await track.setProcessor(processor);
}

export async function stopBlur(track: LocalVideoTrack): Promise<void> {
  await track.stopProcessor();
}
