// Says when the call is not connected, and that it is trying again.

import { useConnectionState } from '@livekit/components-react';
import { ConnectionState } from 'livekit-client';
import { useEffect, useRef, useState } from 'react';

export function ConnectionBanner() {
  const state = useConnectionState();
  const wasReconnecting = useRef(false);
  const [recovered, setRecovered] = useState(false);

  useEffect(() => {
    if (state === ConnectionState.Reconnecting || state === ConnectionState.SignalReconnecting) {
      wasReconnecting.current = true;
      setRecovered(false);
    } else if (state === ConnectionState.Connected && wasReconnecting.current) {
      wasReconnecting.current = false;
      setRecovered(true);
      const timer = window.setTimeout(() => setRecovered(false), 4000);
      return () => window.clearTimeout(timer);
    }
    return undefined;
  }, [state]);

  let text: string | null = null;
  let kind = 'info';
  if (state === ConnectionState.Connecting) text = 'Connecting to the room…';
  else if (state === ConnectionState.Reconnecting || state === ConnectionState.SignalReconnecting) {
    text = 'Connection lost. Reconnecting…';
    kind = 'error';
  } else if (recovered) text = 'Reconnected.';
  return (
    <p className={`connection-state connection-${kind}`} role="status" aria-live="assertive" data-state={state}>
      {text}
    </p>
  );
}

/** Over the video while the call reconnects: how long it has been trying, in seconds. The
 * banner above says it to screen readers once; the ticking count is for the eyes only. */
export function ReconnectOverlay() {
  const state = useConnectionState();
  const reconnecting = state === ConnectionState.Reconnecting || state === ConnectionState.SignalReconnecting;
  const [since, setSince] = useState<number | null>(null);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!reconnecting) {
      setSince(null);
      return undefined;
    }
    // SignalReconnecting then Reconnecting is one outage: keep its first moment
    setSince((first) => first ?? Date.now());
    setNow(Date.now());
    const tick = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(tick);
  }, [reconnecting]);
  if (!reconnecting || since === null) return null;
  const seconds = Math.max(0, Math.floor((now - since) / 1000));
  return (
    <div className="reconnect-overlay" aria-hidden="true" data-elapsed={seconds}>
      <span className="reconnect-spinner" />
      <p className="reconnect-text">Reconnecting… {seconds} s</p>
      <p className="reconnect-hint">Chat, captions and people come back when the connection does.</p>
    </div>
  );
}
