// After the facilitator ended the meeting for everyone (livekit-server deleted the room):
// a clear end, not a lost connection, and no "Rejoin" (the room gives out no more tokens).

import type { ReactNode } from 'react';

export function EndedScreen({ title, byMe, back }: { title: string; byMe: boolean; back: ReactNode }) {
  return (
    <main id="main" className="page room-message">
      <h1>{title}</h1>
      <p role="status" className="meeting-ended">
        {byMe ? 'You ended the meeting for everyone.' : 'The facilitator ended the meeting.'}
      </p>
      <p>Thank you for taking part. The room is closed now.</p>
      {back}
    </main>
  );
}
