import { useState } from 'react';
import type { Booking } from '../lib/types';
import { OccurrenceSummary } from './OccurrenceSummary';
import { PastSessionDetails } from './PastSessionDetails';

export function PastSessions({ bookings, identity }: { bookings: Booking[]; identity: string }) {
  const [open, setOpen] = useState<number | null>(null);
  return (
    <section className="card" aria-labelledby="past-title">
      <h2 id="past-title">Past sessions</h2>
      {bookings.length === 0 ? <p>Sessions you attended will be listed here with their chat and transcript.</p> : null}
      <ul className="list">
        {bookings.map(({ id, occurrence }) =>
          occurrence ? (
            <li key={id} className="list-item list-item-column">
              <OccurrenceSummary occurrence={occurrence} />
              <button
                type="button"
                className="button secondary"
                aria-expanded={open === occurrence.id}
                aria-controls={`past-${occurrence.id}`}
                onClick={() => setOpen(open === occurrence.id ? null : occurrence.id)}
              >
                {open === occurrence.id ? 'Hide' : 'Show'} chat, transcript and words
              </button>
              <div id={`past-${occurrence.id}`}>
                {open === occurrence.id ? <PastSessionDetails occurrenceId={occurrence.id} identity={identity} /> : null}
              </div>
            </li>
          ) : null,
        )}
      </ul>
    </section>
  );
}
