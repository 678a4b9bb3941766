// Tabs of the side panel, with arrow-key movement as the ARIA tabs pattern expects.

import type { KeyboardEvent } from 'react';
import { UnreadBadge } from './UnreadBadge';

export type PanelName = 'chat' | 'people' | 'dictionary';
export const PANELS: { name: PanelName; label: string }[] = [
  { name: 'chat', label: 'Chat' },
  { name: 'people', label: 'People' },
  { name: 'dictionary', label: 'Dictionary' },
];

interface Props {
  current: PanelName;
  onSelect: (name: PanelName) => void;
  onClose: () => void;
  /** Chat messages from others not seen yet: a badge on the chat tab while another is shown. */
  unreadChat?: number;
}

export function SidePanelTabs({ current, onSelect, onClose, unreadChat = 0 }: Props) {
  const move = (event: KeyboardEvent<HTMLDivElement>) => {
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (!step) return;
    const index = PANELS.findIndex((p) => p.name === current);
    const next = PANELS[(index + step + PANELS.length) % PANELS.length];
    if (next) {
      onSelect(next.name);
      document.getElementById(`tab-${next.name}`)?.focus();
    }
  };
  return (
    <div className="panel-tabs">
      <div role="tablist" aria-label="Side panel" onKeyDown={move}>
        {PANELS.map(({ name, label }) => (
          <button
            key={name}
            id={`tab-${name}`}
            type="button"
            role="tab"
            aria-selected={current === name}
            aria-controls="room-panel-body"
            tabIndex={current === name ? 0 : -1}
            onClick={() => onSelect(name)}
          >
            {label}
            {name === 'chat' ? <UnreadBadge count={unreadChat} /> : null}
          </button>
        ))}
      </div>
      <button type="button" className="icon-button" aria-label="Close the side panel" onClick={onClose}>
        ×
      </button>
    </div>
  );
}
