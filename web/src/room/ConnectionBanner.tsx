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
