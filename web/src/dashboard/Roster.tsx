import { api } from '../lib/api';
import type { Page, RosterEntry } from '../lib/types';
import { useResource } from '../lib/useResource';
import { Alert } from '../components/Alert';

/** Who booked one meeting, and who waits for a seat. */
export function Roster({ occurrenceId, version }: { occurrenceId: number; version: number }) {
  const roster = useResource(
    () => api.get<Page<RosterEntry>>(`/api/occurrences/${occurrenceId}/bookings`),
    [occurrenceId, version],
  );
  const entries = (roster.data?.items ?? []).filter((e) => e.status !== 'cancelled');
  return (
    <div className="roster">
      <Alert>{roster.error}</Alert>
      {roster.data && entries.length === 0 ? <p>No bookings yet.</p> : null}
      <ul className="people">
        {entries.map((entry) => (
          <li key={entry.id}>
            {entry.user.display_name}
            {entry.status === 'waitlisted' ? ` (waitlist #${entry.waitlist_position})` : ''}
          </li>
        ))}
      </ul>
    </div>
  );
}
