// A participant's upcoming seats: join the room, or give the seat back.

import { useState } from 'react';
import { Alert } from '../components/Alert';
import { api, messageOf } from '../lib/api';
import { RoomEntry } from '../components/RoomEntry';
import type { Booking } from '../lib/types';
import { OccurrenceSummary } from './OccurrenceSummary';

interface Props {
  bookings: Booking[];
  onChanged: () => void;
}

export function MyBookings({ bookings, onChanged }: Props) {
  const [error, setError] = useState<string | null>(null);

  const cancel = async (booking: Booking) => {
    setError(null);
    try {
      await api.delete<Booking>(`/api/bookings/${booking.id}`);
      onChanged();
    } catch (failure) {
      setError(messageOf(failure));
    }
  };

  return (
    <section className="card" aria-labelledby="upcoming-title">
      <h2 id="upcoming-title">Your upcoming sessions</h2>
      <Alert>{error}</Alert>
      {bookings.length === 0 ? <p>You have not booked anything yet: pick a session below.</p> : null}
      <ul className="list">
        {bookings.map((booking) => {
          const occurrence = booking.occurrence;
          if (!occurrence) return null;
          const cancelled = occurrence.status === 'cancelled';
          return (
            <li key={booking.id} className="list-item" data-booking={booking.id}>
              <OccurrenceSummary occurrence={occurrence} />
              <div className="actions">
                {booking.status === 'waitlisted' ? (
                  <span className="badge">Waitlist #{booking.waitlist_position}</span>
                ) : null}
                {booking.status === 'booked' && !cancelled ? (
                  <RoomEntry
                    occurrenceId={occurrence.id}
                    opensAt={occurrence.room_opens_at}
                    endsAt={occurrence.ends_at}
                    text="Join"
                    label={`Join ${occurrence.title}`}
                  />
                ) : null}
                {!cancelled ? (
                  <button
                    type="button"
                    className="button secondary"
                    onClick={() => cancel(booking)}
                    aria-label={`${booking.status === 'waitlisted' ? 'Leave waitlist of' : 'Cancel seat in'} ${occurrence.title}`}
                  >
                    {booking.status === 'waitlisted' ? 'Leave waitlist' : 'Cancel seat'}
                  </button>
                ) : null}
              </div>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
