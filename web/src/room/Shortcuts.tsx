// Keyboard shortcuts in the room, and the help panel that lists them ("?").

import { useLocalParticipant } from '@livekit/components-react';
import { useEffect, useRef } from 'react';

export const SHORTCUTS: { key: string; what: string }[] = [
  { key: 'M', what: 'Microphone on or off' },
  { key: 'V', what: 'Camera on or off' },
  { key: 'C', what: 'Show or hide the chat' },
  { key: '?', what: 'This list of shortcuts' },
  { key: 'Esc', what: 'Close a menu or this list' },
];

function typing(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
}

/** Single keys, never while typing a message or with Ctrl, Alt or Meta held. */
export function useShortcuts(onChat: () => void, onHelp: () => void): void {
  const { localParticipant, isMicrophoneEnabled, isCameraEnabled } = useLocalParticipant();
  const state = useRef({ isMicrophoneEnabled, isCameraEnabled, onChat, onHelp });
  state.current = { isMicrophoneEnabled, isCameraEnabled, onChat, onHelp };
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.ctrlKey || event.altKey || event.metaKey || typing(event.target)) return;
      const now = state.current;
      const key = event.key.toLowerCase();
      if (key === 'm') void localParticipant.setMicrophoneEnabled(!now.isMicrophoneEnabled).catch(() => undefined);
      else if (key === 'v') void localParticipant.setCameraEnabled(!now.isCameraEnabled).catch(() => undefined);
      else if (key === 'c') now.onChat();
      else if (key === '?') now.onHelp();
      else return;
      event.preventDefault();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [localParticipant]);
}

export function ShortcutHelp({ open, onClose }: { open: boolean; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (open && !element.open) element.showModal();
    if (!open && element.open) element.close();
  }, [open]);
  return (
    <dialog ref={dialog} className="shortcut-help" aria-labelledby="shortcut-title" onClose={onClose}>
      <h2 id="shortcut-title">Keyboard shortcuts</h2>
      <dl>
        {SHORTCUTS.map(({ key, what }) => (
          <div key={key}>
            <dt>
              <kbd>{key}</kbd>
            </dt>
            <dd>{what}</dd>
          </div>
        ))}
      </dl>
      <button type="button" className="button" onClick={onClose}>
        Close
      </button>
    </dialog>
  );
}
