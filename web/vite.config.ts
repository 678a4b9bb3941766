import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';

// @livekit/track-processors falls back to MediaPipe on public CDNs when no asset paths are
// given. We always give them (src/room/blur.ts), and this swaps the fallbacks for the
// same files on our own server, so the bundle names no CDN at all.
const LOCAL_MEDIAPIPE: Record<string, string> = {
  'https://cdn.jsdelivr.net/npm/@mediapipe/tasks-vision@${dependencies["@mediapipe/tasks-vision"]}/wasm': '/mediapipe/wasm',
  'https://storage.googleapis.com/mediapipe-models/image_segmenter/selfie_segmenter/float16/latest/selfie_segmenter.tflite':
    '/mediapipe/selfie_segmentation.tflite',
};

function localMediapipe(): Plugin {
  return {
    name: 'colearn-local-mediapipe',
    transform(code, id) {
      if (!id.includes('@livekit/track-processors')) return null;
      let out = code;
      for (const [cdn, local] of Object.entries(LOCAL_MEDIAPIPE)) out = out.split(cdn).join(local);
      return out === code ? null : { code: out, map: null };
    },
  };
}

// A .gz beside each text file: the API's file responses send it to browsers that accept gzip.
function gzipCopies(): Plugin {
  return {
    name: 'colearn-gzip-copies',
    apply: 'build',
    writeBundle(options, bundle) {
      const dir = options.dir ?? 'dist';
      for (const name of Object.keys(bundle)) {
        if (!/\.(js|css|html|svg)$/.test(name)) continue;
        const path = join(dir, name);
        writeFileSync(`${path}.gz`, gzipSync(readFileSync(path), { level: 9 }));
      }
    },
  };
}

// The API serves the built files (api/web.py); `npm run build` writes them to dist/.
// No React plugin: Vite's own transform handles TSX, and the page needs no fast refresh.
export default defineConfig({
  plugins: [localMediapipe(), gzipCopies()],
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    // the room chunk is livekit-client itself (~170 kB gzipped), loaded only to join a call
    chunkSizeWarningLimit: 700,
  },
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:8080',
      '/mediapipe': 'http://127.0.0.1:8080',
    },
  },
});
