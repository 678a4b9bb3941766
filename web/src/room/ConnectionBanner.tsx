// Says when the call is not connected, and that it is trying again.
//
// livekit-client notices a silent drop (a pulled cable, lost Wi-Fi) only when its signal
// pings go unanswered, about 15 s later: a 10 s drop would pass unseen, and the page look
// live while nothing reaches it. The browser knows at once (its `offline` event), so the
// call counts as reconnecting from that moment until livekit-client, told by the `online`
// event, has resumed the connection (RoomEvent.Reconnected) or, if it never noticed
// anything, until it has stayed connected a short while (tests/test_web_network_drop.py).

import { useConnectionState, useRoomContext } from '@livekit/components-react';
import { ConnectionState, RoomEvent } from 'livekit-client';
import { useEffect, useRef, useState } from 'react';
import { reconcileAfterResume } from './rosterAfterResume';

// back online, livekit-client first checks the server answers (a HEAD request) then resumes
const SETTLE_MS = 5000;

/** The connection state as the person sees it: the call's, or offline while the browser is. */
export function useCallState(): ConnectionState {
  const room = useRoomContext();
  const state = useConnectionState();
  const [offline, setOffline] = useState(() => !navigator.onLine);
  const [recovering, setRecovering] = useState(() => !navigator.onLine);

  useEffect(() => {
    const down = () => {
      setOffline(true);
      setRecovering(true);
    };
    const up = () => setOffline(false);
    const reconnected = () => setRecovering(false);
    window.addEventListener('offline', down);
    window.addEventListener('online', up);
    room.on(RoomEvent.Reconnected, reconnected);
    return () => {
      window.removeEventListener('offline', down);
      window.removeEventListener('online', up);
      room.off(RoomEvent.Reconnected, reconnected);
    };
  }, [room]);

  useEffect(() => {
    if (offline || !recovering || state !== ConnectionState.Connected) return undefined;
    const timer = window.setTimeout(() => setRecovering(false), SETTLE_MS);
    return () => window.clearTimeout(timer);
  }, [offline, recovering, state]);

  const stale = state === ConnectionState.Connected && (offline || recovering);
  return stale ? ConnectionState.Reconnecting : state;
}

export function ConnectionBanner() {
  const state = useCallState();
  const room = useRoomContext();
  useEffect(() => reconcileAfterResume(room), [room]); // the banner is there for the whole call
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
  const state = useCallState();
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
