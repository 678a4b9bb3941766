import { seatsText, when } from '../lib/format';
import type { Occurrence } from '../lib/types';

/** Title, time, level and facilitator of one meeting; seats when asked. */
export function OccurrenceSummary({ occurrence, showSeats = false }: { occurrence: Occurrence; showSeats?: boolean }) {
  const cancelled = occurrence.status === 'cancelled';
  return (
    <div className="occurrence-summary">
      <h3 className="occurrence-title">
        {occurrence.title}
        {cancelled ? <span className="badge badge-warn">Cancelled</span> : null}
      </h3>
      <p className="meta">
        <time dateTime={occurrence.starts_at}>{when(occurrence.starts_at, occurrence.ends_at)}</time>
        {occurrence.level ? <span> · {occurrence.level}</span> : null}
        {occurrence.topic ? <span> · {occurrence.topic}</span> : null}
        <span> · with {occurrence.facilitator.display_name}</span>
      </p>
      {showSeats && !cancelled ? (
        <p className="seats" data-testid={`seats-${occurrence.id}`} aria-live="polite">
          {seatsText(occurrence.seats_left, occurrence.capacity)}
          {occurrence.waitlisted > 0 ? ` · ${occurrence.waitlisted} waiting` : ''}
        </p>
      ) : null}
    </div>
  );
}
